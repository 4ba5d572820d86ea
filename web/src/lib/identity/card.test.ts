import { describe, expect, it } from 'vitest';
import { factsToForm, splitAddress } from './card';

describe('the card address in the form fields', () => {
	it.each([
		['東京都港区芝公園一丁目5番25号', '東京都', '港区', '芝公園一丁目5番25号'],
		['埼玉県上尾市本町三丁目1番1号', '埼玉県', '上尾市', '本町三丁目1番1号'],
		['神奈川県横浜市中区港町1-1', '神奈川県', '横浜市中区', '港町1-1'],
		['三重県四日市市諏訪町1番5号', '三重県', '四日市市', '諏訪町1番5号'],
		['千葉県市川市八幡一丁目1番1号', '千葉県', '市川市', '八幡一丁目1番1号'],
		['北海道余市郡余市町朝日町4番地', '北海道', '余市郡', '余市町朝日町4番地'],
		['京都府京都市東山区清水一丁目294番地', '京都府', '京都市東山区', '清水一丁目294番地'],
		['和歌山県和歌山市七番丁23番地', '和歌山県', '和歌山市', '七番丁23番地'],
		['東京都大島町元町一丁目1番14号', '東京都', '大島町', '元町一丁目1番14号']
	])('%s', (address, prefecture, city, street) => {
		expect(splitAddress(address)).toEqual({ prefecture, city, street });
	});

	it('keeps what it cannot place in the street field, losing nothing', () => {
		expect(splitAddress('芝公園1-5-25')).toEqual({ prefecture: '', city: '', street: '芝公園1-5-25' });
	});

	it('fills name, birthdate and address from the four facts (gender has no form field)', () => {
		expect(factsToForm({ name: '港　太郎', address: '東京都港区芝公園一丁目5番25号', birthdate: '1990-04-01', gender: '1' })).toEqual({
			nameKanji: '港　太郎', birthdate: '1990-04-01', prefecture: '東京都', city: '港区', street: '芝公園一丁目5番25号'
		});
	});
});

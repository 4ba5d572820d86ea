import { describe, expect, it } from 'vitest';
import { ja, type MessageKey } from '$lib/i18n/ja';
import { describeDetails } from './auditDetails';

const t = (key: MessageKey, params?: Record<string, string | number>) =>
	ja[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name]));

describe('describeDetails', () => {
	it('labels each field and says a yes/no in words', () => {
		expect(describeDetails({ beforeApplyUntil: true }, t, 'ja')).toEqual([{ label: '申込期間中の実行', value: 'はい' }]);
		expect(describeDetails({ name: '上平公民館', created: false }, t, 'ja')).toEqual([
			{ label: '施設名', value: '上平公民館' },
			{ label: '新規登録', value: 'いいえ' }
		]);
	});
	it('names a decision and weekdays as the screens do', () => {
		expect(describeDetails({ decision: 'return' }, t, 'ja')[0]!.value).toBe('差し戻し');
		expect(describeDetails({ closedWeekdays: ['monday', 'sunday'] }, t, 'ja')[0]).toEqual({
			label: '定休日 (毎週)',
			value: '月曜日、日曜日'
		});
	});
	it('writes dates and instants (in Tokyo) as dates, not ISO strings', () => {
		const [from, , published] = describeDetails(
			{ from: '2030-06-10', to: '2030-06-30', publishedAt: '2030-06-01T00:30:00Z' },
			t,
			'ja'
		);
		expect(from).toEqual({ label: '開始', value: '2030年6月10日' });
		expect(published!.value).toBe('2030年6月1日 09:30');
	});
	it('writes reception hours with their New Year closure', () => {
		const [hours] = describeDetails({ hours: { opens: '08:00', closes: '24:00', yearEndClosure: { from: '12-29', to: '01-03' } } }, t, 'ja');
		expect(hours).toEqual({ label: '受付時間', value: '08:00から24:00まで 年末年始 (12-29〜01-03) を除く' });
		expect(describeDetails({ anyHour: true }, t, 'ja')).toEqual([{ label: '受付時間', value: '制限なし (24時間受付)' }]);
	});
	it('keeps a field it has no label for under its own name', () => {
		expect(describeDetails({ somethingNew: 3 }, t, 'ja')).toEqual([{ label: 'somethingNew', value: '3' }]);
		expect(describeDetails({}, t, 'ja')).toEqual([]);
	});
});

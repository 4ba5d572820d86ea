import { describe, expect, it } from 'vitest';
import { emptyRegistration, registrationChecks, toRegistrationRequest, withPostalAddress } from './registration';

const t = (key: string) => key;
const filled = () => ({
	...emptyRegistration(),
	nameKana: 'ミナト　タロウ', nameKanji: '港　太郎', phone: '03-1234-5678', residency: 'resident' as const,
	postalCode: '105-8511', prefecture: '東京都', city: '港区', street: '芝公園1-5-25', birthdate: '1990-04-01',
	email: 'taro@example.jp', emailConfirm: 'taro@example.jp', password: 'minato2024'
});

describe('registration checks', () => {
	it('lets a complete form through to the API', () => {
		const errors = registrationChecks(t)(filled());
		expect(Object.values(errors).filter(Boolean)).toEqual([]);
	});
	it('names every empty field by its API path', () => {
		const errors = registrationChecks(t)(emptyRegistration());
		expect(errors['address.postalCode']).toBe('error.required');
		expect(errors.residency).toBe('error.select');
		expect(errors['workplace.name']).toBeUndefined();
	});
	it('asks workers for the workplace and refuses differing e-mails', () => {
		const errors = registrationChecks(t)({ ...filled(), residency: 'worker', emailConfirm: 'other@example.jp' });
		expect(errors['workplace.name']).toBe('error.required');
		expect(errors.emailConfirm).toBe('error.emailMismatch');
	});
	it('asks groups for their name, kana and members, not individuals', () => {
		expect(registrationChecks(t)(filled())['group.name']).toBeUndefined();
		const errors = registrationChecks(t)({ ...filled(), userType: 'group' });
		expect([errors['group.name'], errors['group.nameKana'], errors['group.members']]).toEqual(['error.required', 'error.required', 'error.required']);
		expect(errors['group.localMembers']).toBeUndefined(); // only where the municipality asks
	});
});

describe('registration request', () => {
	it('sends the workplace only for workers, with the address nested as the API takes it', () => {
		expect(toRegistrationRequest(filled())).not.toHaveProperty('workplace');
		const worker = toRegistrationRequest({ ...filled(), residency: 'worker', workplaceName: '港商事', workplacePostalCode: '1050011', workplacePrefecture: '東京都', workplaceCity: '港区', workplaceStreet: '芝公園2-1', workplacePhone: '0355550000' });
		expect(worker.workplace).toEqual({
			name: '港商事', phone: '0355550000',
			address: { postalCode: '1050011', prefecture: '東京都', city: '港区', street: '芝公園2-1' }
		});
		expect(worker).not.toHaveProperty('emailConfirm');
	});
	it('names the userType and sends the group only for groups', () => {
		expect(toRegistrationRequest(filled())).toMatchObject({ userType: 'individual' });
		expect(toRegistrationRequest(filled())).not.toHaveProperty('group');
		const club = { ...filled(), userType: 'group' as const, groupName: '上尾テニスクラブ', groupNameKana: 'アゲオテニスクラブ', groupMembers: '12' };
		expect(toRegistrationRequest(club).group).toEqual({ name: '上尾テニスクラブ', nameKana: 'アゲオテニスクラブ', members: 12 });
		expect(toRegistrationRequest({ ...club, groupLocalMembers: '8' }).group?.localMembers).toBe(8);
	});
	it('names the card verification only when the card was chosen and read', () => {
		expect(toRegistrationRequest({ ...filled(), identity: 'card' }, 'ver_1').identity).toEqual({ verificationId: 'ver_1' });
		expect(toRegistrationRequest({ ...filled(), identity: 'none' }, 'ver_1')).not.toHaveProperty('identity');
	});
});

describe('registration by card', () => {
	it('asks for the card to be read before the review', () => {
		expect(registrationChecks(t)({ ...filled(), identity: 'card' })['identity.verificationId']).toBe('card.required');
		expect(registrationChecks(t, true)({ ...filled(), identity: 'card' })['identity.verificationId']).toBeUndefined();
	});
});

describe('withPostalAddress', () => {
	const shiba = { prefecture: '東京都', city: '港区', town: '芝公園', office: null };
	it('fills the prefecture, city and town of the home or the workplace', () => {
		const home = withPostalAddress(emptyRegistration(), 'home', shiba);
		expect([home.prefecture, home.city, home.street]).toEqual(['東京都', '港区', '芝公園']);
		expect(home.workplaceCity).toBe('');
		const work = withPostalAddress(emptyRegistration(), 'workplace', shiba);
		expect([work.workplacePrefecture, work.workplaceCity, work.workplaceStreet]).toEqual(['東京都', '港区', '芝公園']);
		expect(work.city).toBe('');
	});
	it('keeps what was typed in the street', () => {
		const typed = { ...emptyRegistration(), prefecture: '埼玉県', street: '芝公園1-5-25' };
		expect(withPostalAddress(typed, 'home', shiba).street).toBe('芝公園1-5-25');
		expect(withPostalAddress(typed, 'home', shiba).prefecture).toBe('東京都');
		expect(withPostalAddress({ ...typed, street: '1-5-25' }, 'home', shiba).street).toBe('芝公園1-5-25');
	});
	it('leaves the street as typed for a code of a whole city (town "")', () => {
		const typed = { ...emptyRegistration(), street: '本町1-1' };
		expect(withPostalAddress(typed, 'home', { ...shiba, town: '' }).street).toBe('本町1-1');
	});
});

/** The registration form as typed, the browser's own checks, and the API request. */
import type { PostalAddress, RegistrationForm } from '$lib/api/types';
import type { MessageKey } from '$lib/i18n/i18n.svelte';

export interface RegistrationDraft {
	nameKana: string;
	nameKanji: string;
	phone: string;
	residency: 'resident' | 'worker' | null;
	postalCode: string;
	prefecture: string;
	city: string;
	street: string;
	birthdate: string;
	email: string;
	emailConfirm: string;
	password: string;
	workplaceName: string;
	workplacePostalCode: string;
	workplacePrefecture: string;
	workplaceCity: string;
	workplaceStreet: string;
	workplacePhone: string;
	lotteryResultEmail: boolean;
	agreeToTerms: boolean;
	/** 利用者区分 (seed 001): a group is registered by its representative (代表者). */
	userType: 'individual' | 'group';
	groupName: string;
	groupNameKana: string;
	groupMembers: string;
	groupLocalMembers: string;
	/** 本人確認書類: the My Number card, or none (staff check residence or work later) */
	identity: 'card' | 'none';
}

export function emptyRegistration(): RegistrationDraft {
	return {
		nameKana: '', nameKanji: '', phone: '', residency: null,
		postalCode: '', prefecture: '', city: '', street: '', birthdate: '',
		email: '', emailConfirm: '', password: '',
		workplaceName: '', workplacePostalCode: '', workplacePrefecture: '', workplaceCity: '', workplaceStreet: '', workplacePhone: '',
		lotteryResultEmail: true, agreeToTerms: false, identity: 'none',
		userType: 'individual', groupName: '', groupNameKana: '', groupMembers: '', groupLocalMembers: ''
	};
}

/**
 * The draft with the prefecture, city and town of a postal code's address filled in
 * (郵便番号⇒住所検索). The street starts with the town; nothing typed there is lost
 * (番地 typed before the lookup follow the town).
 */
export function withPostalAddress(draft: RegistrationDraft, which: 'home' | 'workplace', address: PostalAddress): RegistrationDraft {
	const [pref, city, street] =
		which === 'home' ? (['prefecture', 'city', 'street'] as const) : (['workplacePrefecture', 'workplaceCity', 'workplaceStreet'] as const);
	const typed = draft[street];
	const filled = typed.startsWith(address.town) ? typed : address.town + typed;
	return { ...draft, [pref]: address.prefecture, [city]: address.city, [street]: filled };
}

/**
 * Only what the API cannot check: empty required fields and the two e-mail addresses
 * matching. Formats (katakana, phone, postal code, age, password rules) are the API's,
 * whose 422 messages appear next to the fields: one rule, one place.
 */
export function registrationChecks(t: (key: MessageKey) => string, cardRead = false) {
	return (v: RegistrationDraft): Record<string, string | undefined> => {
		const required = (value: string | null) => (value && value.trim() ? undefined : t('error.required'));
		const worker = v.residency === 'worker';
		const group = v.userType === 'group';
		return {
			'group.name': group ? required(v.groupName) : undefined,
			'group.nameKana': group ? required(v.groupNameKana) : undefined,
			'group.members': group ? required(v.groupMembers) : undefined,
			nameKana: required(v.nameKana),
			nameKanji: required(v.nameKanji),
			phone: required(v.phone),
			residency: v.residency ? undefined : t('error.select'),
			'address.postalCode': required(v.postalCode),
			'address.prefecture': required(v.prefecture),
			'address.city': required(v.city),
			'address.street': required(v.street),
			birthdate: required(v.birthdate),
			email: required(v.email),
			emailConfirm: required(v.emailConfirm) ?? (v.email.trim() === v.emailConfirm.trim() ? undefined : t('error.emailMismatch')),
			password: v.password ? undefined : t('error.required'),
			'workplace.name': worker ? required(v.workplaceName) : undefined,
			'workplace.address.postalCode': worker ? required(v.workplacePostalCode) : undefined,
			'workplace.address.prefecture': worker ? required(v.workplacePrefecture) : undefined,
			'workplace.address.city': worker ? required(v.workplaceCity) : undefined,
			'workplace.address.street': worker ? required(v.workplaceStreet) : undefined,
			'workplace.phone': worker ? required(v.workplacePhone) : undefined,
			// Chosen but not read: the card's facts and signature are still missing.
			'identity.verificationId': v.identity === 'card' && !cardRead ? t('card.required') : undefined
		};
	};
}

/** The request; `verificationId` is the My Number card's verification when one was read. */
export function toRegistrationRequest(v: RegistrationDraft, verificationId?: string): RegistrationForm {
	const worker = v.residency === 'worker';
	return {
		nameKana: v.nameKana.trim(),
		nameKanji: v.nameKanji.trim(),
		phone: v.phone.trim(),
		residency: worker ? 'worker' : 'resident',
		address: { postalCode: v.postalCode.trim(), prefecture: v.prefecture.trim(), city: v.city.trim(), street: v.street.trim() },
		birthdate: v.birthdate,
		email: v.email.trim(),
		password: v.password,
		lotteryResultEmail: v.lotteryResultEmail,
		agreeToTerms: v.agreeToTerms,
		userType: v.userType,
		...(v.userType === 'group'
			? {
					group: {
						name: v.groupName.trim(),
						nameKana: v.groupNameKana.trim(),
						members: Number(v.groupMembers),
						...(v.groupLocalMembers.trim() ? { localMembers: Number(v.groupLocalMembers) } : {})
					}
				}
			: {}),
		...(v.identity === 'card' && verificationId ? { identity: { verificationId } } : {}),
		...(worker
			? {
					workplace: {
						name: v.workplaceName.trim(),
						address: {
							postalCode: v.workplacePostalCode.trim(),
							prefecture: v.workplacePrefecture.trim(),
							city: v.workplaceCity.trim(),
							street: v.workplaceStreet.trim()
						},
						phone: v.workplacePhone.trim()
					}
				}
			: {})
	};
}

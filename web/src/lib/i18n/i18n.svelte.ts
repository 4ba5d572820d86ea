/**
 * Messages of the screens, Japanese by default, English by the visible switch.
 * ja.ts is the catalogue every key comes from; en.ts must have the same keys (a type
 * check) and is loaded only when someone switches, so Japanese readers never download it.
 */
import { ja, type MessageKey } from './ja';

export type Locale = 'ja' | 'en';
export type { MessageKey };
type Catalogue = Record<MessageKey, string>;

const STORAGE_KEY = 'yoyaku.locale';

const state = $state<{ locale: Locale; messages: Catalogue }>({ locale: 'ja', messages: ja });

export function currentLocale(): Locale {
	return state.locale;
}

async function catalogue(locale: Locale): Promise<Catalogue> {
	return locale === 'en' ? (await import('./en')).en : ja;
}

export async function setLocale(locale: Locale): Promise<void> {
	state.messages = await catalogue(locale);
	state.locale = locale;
	try {
		localStorage.setItem(STORAGE_KEY, locale);
	} catch {
		// private mode: the choice lasts for this page only
	}
	document.documentElement.lang = locale;
}

/** The saved choice, else the browser's first preference between ja and en. */
export async function restoreLocale(): Promise<void> {
	let saved: string | null = null;
	try {
		saved = localStorage.getItem(STORAGE_KEY);
	} catch {
		saved = null;
	}
	const locale: Locale = saved === 'en' || saved === 'ja' ? saved : 'ja';
	if (locale !== state.locale) await setLocale(locale);
	else document.documentElement.lang = locale;
}

/** `t('booking.nights', { n: 2 })`: the message with `{name}` placeholders filled. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
	const text = state.messages[key] ?? ja[key] ?? key;
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}

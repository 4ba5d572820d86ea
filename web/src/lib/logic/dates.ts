/**
 * Calendar dates as the API sends them (`YYYY-MM-DD`, Asia/Tokyo). They are handled as
 * plain dates at UTC midnight, so no time zone of the browser can shift a day.
 */
import type { Locale } from '$lib/i18n/i18n.svelte';

const DAY_MS = 86_400_000;

export function toUtc(iso: string): Date {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	return new Date(Date.UTC(y, m - 1, d));
}

export function fromUtc(date: Date): string {
	return date.toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
	return fromUtc(new Date(toUtc(iso).getTime() + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
	return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / DAY_MS);
}

/** The last day of the month after the one `iso` is in (the API's default `to`). */
export function endOfNextMonth(iso: string): string {
	const date = toUtc(iso);
	return fromUtc(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 2, 0)));
}

/** 0 = Sunday … 6 = Saturday */
export function weekday(iso: string): number {
	return toUtc(iso).getUTCDay();
}

/** Today in Tokyo, whatever the browser's zone. */
export function todayInTokyo(now: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(now);
}

const tag = (locale: Locale) => (locale === 'en' ? 'en-GB' : 'ja-JP');

/** 2019年4月8日月曜日 / Monday 8 April 2019 */
export function formatDate(iso: string, locale: Locale, withWeekday = true): string {
	return new Intl.DateTimeFormat(tag(locale), {
		timeZone: 'UTC',
		year: 'numeric',
		month: 'long',
		day: 'numeric',
		...(withWeekday ? { weekday: 'long' } : {})
	}).format(toUtc(iso));
}

/** 4/8(月) / Mon 8/4: the short form of table headings */
export function formatShortDate(iso: string, locale: Locale): string {
	const date = toUtc(iso);
	const day = new Intl.DateTimeFormat(tag(locale), { timeZone: 'UTC', weekday: 'short' }).format(date);
	const m = date.getUTCMonth() + 1;
	const d = date.getUTCDate();
	return locale === 'en' ? `${day} ${d}/${m}` : `${m}/${d}(${day})`;
}

/** An instant (ISO with offset) in Tokyo time: 2026年12月1日 10:05 */
export function formatInstant(iso: string, locale: Locale): string {
	return new Intl.DateTimeFormat(tag(locale), {
		timeZone: 'Asia/Tokyo',
		year: 'numeric',
		month: 'long',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit'
	}).format(new Date(iso));
}

export function formatTime(iso: string, locale: Locale): string {
	return new Intl.DateTimeFormat(tag(locale), {
		timeZone: 'Asia/Tokyo',
		hour: '2-digit',
		minute: '2-digit'
	}).format(new Date(iso));
}

/**
 * The last day (Tokyo) before a deadline instant: a deadline at 00:00 on the 5th is
 * "until the end of the 4th", which is how the screens say it (4日まで).
 */
export function lastDayBefore(iso: string): string {
	return todayInTokyo(new Date(Date.parse(iso) - 1));
}

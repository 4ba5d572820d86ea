import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, endOfNextMonth, formatDate, formatShortDate, lastDayBefore, todayInTokyo, weekday } from './dates';

describe('dates', () => {
	it('adds days across months and years', () => {
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
		expect(daysBetween('2026-12-01', '2027-01-01')).toBe(31);
	});
	it('ends the two-month calendar at the end of next month', () => {
		expect(endOfNextMonth('2026-12-02')).toBe('2027-01-31');
		expect(endOfNextMonth('2027-01-31')).toBe('2027-02-28');
	});
	it('knows the weekday', () => {
		expect(weekday('2019-04-08')).toBe(1);
	});
	it('formats as the seed screens do', () => {
		expect(formatDate('2019-04-08', 'ja')).toBe('2019年4月8日月曜日');
		expect(formatDate('2019-04-08', 'en')).toMatch(/^Monday,? 8 April 2019$/);
		expect(formatShortDate('2019-04-08', 'ja')).toBe('4/8(月)');
	});
	it('names the last day before a deadline at midnight in Tokyo', () => {
		expect(lastDayBefore('2030-05-05T00:00:00+09:00')).toBe('2030-05-04');
		expect(lastDayBefore('2030-05-04T15:00:00Z')).toBe('2030-05-04');
		expect(lastDayBefore('2030-05-05T10:00:00+09:00')).toBe('2030-05-05');
	});
	it('takes today in Tokyo, not in the browser zone', () => {
		// 2026-11-30 20:00 UTC is already 1 December in Tokyo
		expect(todayInTokyo(new Date('2026-11-30T20:00:00Z'))).toBe('2026-12-01');
	});
});

import { describe, expect, it } from 'vitest';
import { byDate, combineMarks, consecutiveRuns, dayNote, monthGrid, monthsOf, selectable, SYMBOLS, weekFrom } from './calendar';

describe('combineMarks', () => {
	it('is closed only when every type is closed', () => {
		expect(combineMarks(['closed', 'closed'])).toBe('closed');
		expect(combineMarks([])).toBe('closed');
	});
	it('ignores closed types when the others are open', () => {
		expect(combineMarks(['free', 'closed'])).toBe('free');
		expect(combineMarks(['full', 'closed'])).toBe('full');
	});
	it('is partial when types disagree or any is partial', () => {
		expect(combineMarks(['free', 'full'])).toBe('partial');
		expect(combineMarks(['partial'])).toBe('partial');
		expect(combineMarks(['free', 'free'])).toBe('free');
	});
	it('maps to the paper symbols', () => {
		expect(SYMBOLS).toEqual({ free: '●', partial: '▲', full: '×', closed: '－' });
		expect(selectable('free') && selectable('partial')).toBe(true);
		expect(selectable('full') || selectable('closed')).toBe(false);
	});
});

describe('dayNote', () => {
	type Day = Parameters<typeof dayNote>[0][number];
	const day = (mark: Day['mark'], closedReason: Day['closedReason'] = null, holiday: string | null = null): Day => ({
		date: '2027-01-11', resourceTypeId: 'a', capacity: 1, available: 1, mark, lottery: false, closedReason, holiday
	});
	it('names the holiday whether the facility is open or closed', () => {
		expect(dayNote([day('free', null, '成人の日')])).toEqual({ holiday: '成人の日', closedReason: null });
		expect(dayNote([day('closed', 'holiday', '成人の日')])).toEqual({ holiday: '成人の日', closedReason: 'holiday' });
	});
	it('gives a closing reason only when every type shown is closed', () => {
		expect(dayNote([day('closed', 'weekly'), day('closed', 'weekly')]).closedReason).toBe('weekly');
		expect(dayNote([day('closed', 'date'), day('free')]).closedReason).toBeNull();
		expect(dayNote([])).toEqual({ holiday: null, closedReason: null });
	});
});

describe('monthGrid', () => {
	it('starts on Sunday and pads both ends', () => {
		// 1 December 2026 is a Tuesday
		const weeks = monthGrid(2026, 12);
		expect(weeks[0]).toEqual([null, null, '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05']);
		expect(weeks.at(-1)).toEqual(['2026-12-27', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', null, null]);
		expect(weeks.flat().filter(Boolean)).toHaveLength(31);
	});
	it('knows leap years', () => {
		expect(monthGrid(2028, 2).flat().filter(Boolean)).toHaveLength(29);
		expect(monthGrid(2027, 2).flat().filter(Boolean)).toHaveLength(28);
	});
});

describe('monthsOf / weekFrom / byDate', () => {
	it('lists the months of a range across a year end', () => {
		expect(monthsOf('2026-12-15', '2027-01-31')).toEqual([
			{ year: 2026, month: 12 },
			{ year: 2027, month: 1 }
		]);
	});
	it('gives seven days from a date across months', () => {
		expect(weekFrom('2026-12-29')).toEqual([
			'2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'
		]);
	});
	it('groups the days of several resource types by date', () => {
		const day = (date: string, resourceTypeId: string) => ({ date, resourceTypeId, capacity: 1, available: 1, mark: 'free' as const, lottery: false });
		const grouped = byDate([day('2026-12-01', 'a'), day('2026-12-01', 'b'), day('2026-12-02', 'a')]);
		expect(grouped.get('2026-12-01')?.map((d) => d.resourceTypeId)).toEqual(['a', 'b']);
		expect(grouped.get('2026-12-02')).toHaveLength(1);
	});
});

describe('consecutiveRuns', () => {
	const slots = [
		{ start: '09:00', end: '09:15', available: 1 },
		{ start: '09:15', end: '09:30', available: 1 },
		{ start: '09:30', end: '09:45', available: 0 },
		{ start: '09:45', end: '10:00', available: 1 },
		{ start: '10:00', end: '10:15', available: 2 },
		{ start: '13:00', end: '13:15', available: 1 }
	];
	it('finds one-slot runs wherever a slot is free', () => {
		expect(consecutiveRuns(slots, 1).map((r) => r.start)).toEqual(['09:00', '09:15', '09:45', '10:00', '13:00']);
	});
	it('needs N touching free slots for a party of N', () => {
		expect(consecutiveRuns(slots, 2)).toEqual([
			{ start: '09:00', end: '09:30', available: 1 },
			{ start: '09:45', end: '10:15', available: 1 }
		]);
		// 10:15 and 13:00 do not touch: no run across the lunch break
		expect(consecutiveRuns(slots, 3)).toEqual([]);
	});
	it('counts units when several are wanted per slot', () => {
		expect(consecutiveRuns(slots, 1, 2).map((r) => r.start)).toEqual(['10:00']);
	});
});

/**
 * The availability calendar of the paper and web screens: ● all free, ▲ partly free,
 * × full, and closed days; a month grid from Sunday; a week from a chosen day.
 */
import type { DayAvailability } from '$lib/api/types';
import { addDays, toUtc, weekday } from './dates';

export type Mark = 'free' | 'partial' | 'full' | 'closed';

export const SYMBOLS: Record<Mark, string> = {
	free: '●',
	partial: '▲',
	full: '×',
	closed: '－'
};

/**
 * One mark for a day over the resource types shown together: closed when nothing is
 * open, free when every open type is free, full when every open type is full, else
 * partial (some room somewhere).
 */
export function combineMarks(marks: readonly string[]): Mark {
	const open = marks.filter((m) => m !== 'closed');
	if (open.length === 0) return 'closed';
	if (open.every((m) => m === 'free')) return 'free';
	if (open.every((m) => m === 'full')) return 'full';
	return 'partial';
}

/** Why a day is closed, as availability says it (null on open days). */
export type ClosedReason = NonNullable<DayAvailability['closedReason']>;

/** What the calendar says of a day beside its mark: the public holiday, why it is closed. */
export interface DayNote {
	holiday: string | null;
	closedReason: ClosedReason | null;
}

/**
 * The note of a day over the resource types shown together: the holiday (the same for
 * all), and a closing reason only when every type is closed, the first one's (the
 * facility's rules close all its types alike).
 */
export function dayNote(days: readonly DayAvailability[]): DayNote {
	const holiday = days.find((d) => d.holiday)?.holiday ?? null;
	const allClosed = days.length > 0 && days.every((d) => d.mark === 'closed');
	const closedReason = allClosed ? (days.find((d) => d.closedReason)?.closedReason ?? null) : null;
	return { holiday, closedReason };
}

/** Dates of the month in weeks (Sunday first); null pads the first and last week. */
export function monthGrid(year: number, month: number): (string | null)[][] {
	const first = `${year}-${String(month).padStart(2, '0')}-01`;
	const days: (string | null)[] = Array.from({ length: weekday(first) }, () => null);
	for (let day = first; toUtc(day).getUTCMonth() + 1 === month; day = addDays(day, 1)) {
		days.push(day);
	}
	while (days.length % 7 !== 0) days.push(null);
	const weeks: (string | null)[][] = [];
	for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
	return weeks;
}

/** The months (year, month) that a date range touches, in order. */
export function monthsOf(from: string, to: string): { year: number; month: number }[] {
	const result: { year: number; month: number }[] = [];
	let y = Number(from.slice(0, 4));
	let m = Number(from.slice(5, 7));
	const endY = Number(to.slice(0, 4));
	const endM = Number(to.slice(5, 7));
	while (y < endY || (y === endY && m <= endM)) {
		result.push({ year: y, month: m });
		m += 1;
		if (m > 12) {
			m = 1;
			y += 1;
		}
	}
	return result;
}

/** Per date, the availability of every resource type, in the API's order. */
export function byDate(days: readonly DayAvailability[]): Map<string, DayAvailability[]> {
	const result = new Map<string, DayAvailability[]>();
	for (const day of days) {
		const list = result.get(day.date) ?? [];
		list.push(day);
		result.set(day.date, list);
	}
	return result;
}

/** The 7 dates from `start`. */
export function weekFrom(start: string): string[] {
	return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** A day can be chosen in the 2-month calendar when something is free on it. */
export function selectable(mark: Mark): boolean {
	return mark === 'free' || mark === 'partial';
}

export interface SlotRun {
	start: string;
	end: string;
	/** the fewest free units over the run's slots */
	available: number;
}

/**
 * Starts of runs of `length` consecutive slots (each ending where the next starts) that
 * all have at least `units` free: a party of N at the counter needs N such slots.
 */
export function consecutiveRuns(
	slots: readonly { start: string; end: string; available: number }[],
	length: number,
	units = 1
): SlotRun[] {
	const runs: SlotRun[] = [];
	for (let i = 0; i + length <= slots.length; i++) {
		const run = slots.slice(i, i + length);
		const joined = run.every((slot, k) => k === 0 || run[k - 1]!.end === slot.start);
		const available = Math.min(...run.map((s) => s.available));
		if (joined && available >= units) {
			runs.push({ start: run[0]!.start, end: run[run.length - 1]!.end, available });
		}
	}
	return runs;
}

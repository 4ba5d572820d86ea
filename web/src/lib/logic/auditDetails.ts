/**
 * 操作記録's 内容 column: an audit record's details as labelled values in the screen's
 * language. Each action records details of one shape (AuditRecord.details in the API);
 * the labels are keyed by field name, so shapes that share a field share its label.
 */
import type { Locale, MessageKey } from '$lib/i18n/i18n.svelte';
import { formatDate, formatInstant } from './dates';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface DetailLine {
	label: string;
	value: string;
}

const LABELS: Record<string, MessageKey> = {
	decision: 'staff.detail.decision',
	name: 'staff.detail.name',
	created: 'staff.detail.created',
	resourceTypeId: 'staff.detail.resourceTypeId',
	from: 'staff.detail.from',
	to: 'staff.detail.to',
	until: 'staff.detail.until',
	capacity: 'staff.detail.capacity',
	closedDates: 'staff.detail.closedDates',
	daysChanged: 'staff.detail.daysChanged',
	closedWeekdays: 'staff.closedWeekdays',
	closedOnHolidays: 'staff.detail.closedOnHolidays',
	yearEndClosure: 'staff.detail.yearEndClosure',
	facilityId: 'staff.detail.facilityId',
	stayFrom: 'staff.detail.stayFrom',
	stayTo: 'staff.detail.stayTo',
	applyFrom: 'staff.detail.applyFrom',
	applyUntil: 'staff.detail.applyUntil',
	drawAt: 'staff.detail.drawAt',
	beforeApplyUntil: 'staff.detail.beforeApplyUntil',
	title: 'staff.detail.title',
	publishedAt: 'staff.detail.publishedAt',
	date: 'staff.detail.date',
	failures: 'staff.detail.failures',
	rows: 'staff.detail.rows',
	imported: 'staff.detail.imported',
	hours: 'staff.receptionHours',
	anyHour: 'staff.receptionHours',
	notice: 'staff.detail.notice',
	underWay: 'staff.detail.underWay'
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T/;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function yearEnd(closure: Record<string, unknown>, t: Translate): string {
	return t('staff.yearEndText', { from: String(closure.from), to: String(closure.to) });
}

function valueText(key: string, value: unknown, t: Translate, locale: Locale): string {
	if (Array.isArray(value)) return value.map((v) => valueText(key, v, t, locale)).join('、');
	// the hours removed: 受付時間 reads 制限なし, as on the reception screen
	if (key === 'anyHour') return t('staff.anyHour');
	if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
	if (key === 'decision') return t(`staff.decision.${value}` as MessageKey);
	if (key === 'closedWeekdays') return t(`staff.weekday.${value}` as MessageKey);
	if (key === 'yearEndClosure' && isRecord(value)) return yearEnd(value, t);
	if (key === 'hours' && isRecord(value)) {
		const hours = t('staff.hoursText', { opens: String(value.opens), closes: String(value.closes) });
		return isRecord(value.yearEndClosure) ? `${hours} ${yearEnd(value.yearEndClosure, t)}` : hours;
	}
	if (typeof value === 'string' && DATE.test(value)) return formatDate(value, locale, false);
	if (typeof value === 'string' && INSTANT.test(value)) return formatInstant(value, locale);
	return isRecord(value) ? JSON.stringify(value) : String(value);
}

/** The details in the order the record gives them; a field without a label (one added
 * to the API later) keeps its own name rather than disappearing. */
export function describeDetails(details: object | null | undefined, t: Translate, locale: Locale): DetailLine[] {
	return Object.entries(details ?? {}).map(([key, value]) => ({
		label: key in LABELS ? t(LABELS[key]!) : key,
		value: valueText(key, value, t, locale)
	}));
}

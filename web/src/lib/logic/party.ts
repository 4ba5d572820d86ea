/** The party per night (宿泊人数) as a form holds it and as the API takes it. */
import type { PartyNight } from '$lib/api/types';

export interface Night {
	night: number;
	adults: number | null;
	children: number | null;
	/** 削除: drop this night (the change screen only) */
	remove?: boolean;
}

/** Rows for `nights` nights, keeping what was typed for nights that stay. */
export function partyFor(nights: number, current: readonly Night[] = []): Night[] {
	return Array.from({ length: nights }, (_, i) => {
		const kept = current.find((n) => n.night === i + 1);
		return kept ? { ...kept } : { night: i + 1, adults: null, children: null };
	});
}

/** What the API takes: empty counts are sent as they are (0 children, missing adults → 0,
 *  which the API refuses with a message next to the field). */
export function toApiParty(party: readonly Night[]): PartyNight[] {
	return party
		.filter((n) => !n.remove)
		.map((n, index) => ({ night: index + 1, adults: n.adults ?? 0, children: n.children ?? 0 }));
}

/** Nights ticked 削除 on the change screen, as the API numbers them. */
export function removedNights(party: readonly Night[]): number[] {
	return party.filter((n) => n.remove).map((n) => n.night);
}

export function fromApiParty(party: readonly PartyNight[]): Night[] {
	return party.map((n) => ({ night: n.night, adults: n.adults, children: n.children ?? 0, remove: false }));
}

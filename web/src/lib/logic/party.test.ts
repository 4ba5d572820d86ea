import { describe, expect, it } from 'vitest';
import { fromApiParty, partyFor, removedNights, toApiParty } from './party';

describe('party per night', () => {
	it('adds and drops rows as the nights change, keeping what was typed', () => {
		const one = partyFor(1);
		one[0]!.adults = 3;
		const two = partyFor(2, one);
		expect(two).toEqual([
			{ night: 1, adults: 3, children: null },
			{ night: 2, adults: null, children: null }
		]);
		expect(partyFor(1, two)).toEqual([{ night: 1, adults: 3, children: null }]);
	});
	it('sends empty counts as 0 so the API can say what is missing', () => {
		expect(toApiParty([{ night: 1, adults: 2, children: null }])).toEqual([{ night: 1, adults: 2, children: 0 }]);
	});
	it('renumbers the nights that stay when one is removed', () => {
		const party = fromApiParty([
			{ night: 1, adults: 3, children: 2 },
			{ night: 2, adults: 3, children: 2 }
		]);
		party[0]!.remove = true;
		party[1]!.adults = 2;
		expect(removedNights(party)).toEqual([1]);
		expect(toApiParty(party)).toEqual([{ night: 1, adults: 2, children: 2 }]);
	});
});

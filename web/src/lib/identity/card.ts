/**
 * The My Number card on screens (seed 001): what the e-signature app hands back, how the
 * card's four facts fill a form, and where the local runtime's test cards come from.
 *
 * The flow is the API's: a challenge (what the card signs: purpose, nonce, consent text),
 * the app's signature with the card's signing certificate, then a verification that
 * checks it and returns the facts. A `CardSigner` is "the e-signature app": locally the
 * test-card panel plays it; a deployment would plug in its platform operator's app link.
 */
import type { components } from '$lib/api/schema';

type S = components['schemas'];
export type Challenge = S['ChallengeIssued'];
export type Verification = S['VerificationDone'];
export type CardFacts = S['Facts'];
export type Purpose = S['Purpose'];
export type SignatureFormat = S['SignatureFormat'];

/** What the e-signature app returns: base64 certificate (DER) and signature. */
export interface CardSignature {
	certificate: string;
	signature: string;
	format: SignatureFormat;
}

export interface AddressParts {
	prefecture: string;
	city: string;
	street: string;
}

const PREFECTURE = /^(東京都|北海道|(?:京都|大阪)府|.{2,3}?県)/;
// The 20 designated cities have wards: 横浜市中区 is one 市区郡 entry.
const DESIGNATED = /^((?:札幌|仙台|さいたま|千葉|横浜|川崎|相模原|新潟|静岡|浜松|名古屋|京都|大阪|堺|神戸|岡山|広島|北九州|福岡|熊本)市.+?区)/;
// Cities whose name holds 市 itself; otherwise the first 市 or 区 ends the city, and a
// 郡 (the town or village then belongs to 町村番地).
const CITY = /^(四日市市|廿日市市|野々市市|.+?郡|.+?[市区]|.+?[町村])/;

/**
 * The card's address (prefecture down, as written on the card) in the form's three
 * fields: 都道府県, 市区郡, 町村番地建物名. The API compares the whole address in one
 * spelling, so a split the citizen corrects by hand still matches.
 */
export function splitAddress(address: string): AddressParts {
	const text = address.trim();
	const prefecture = PREFECTURE.exec(text)?.[1] ?? '';
	const rest = text.slice(prefecture.length);
	const city = DESIGNATED.exec(rest)?.[1] ?? CITY.exec(rest)?.[1] ?? '';
	return { prefecture, city, street: rest.slice(city.length) };
}

/** What 情報を反映する writes into a form with the usual field names. */
export function factsToForm(facts: CardFacts): { nameKanji: string; birthdate: string } & AddressParts {
	return { nameKanji: facts.name, birthdate: facts.birthdate, ...splitAddress(facts.address) };
}

/** The e-signature app: signs the challenge's bytes with the card. */
export type CardSigner = (challenge: Challenge) => Promise<CardSignature>;

let localRuntime: Promise<boolean> | undefined;

/**
 * True on the local runtime, whose `/_local/` routes offer test cards. Deployed, the
 * path is the web app's own page (HTML), so the panel never appears there.
 */
export function hasTestCards(): Promise<boolean> {
	localRuntime ??= fetch('/_local/clock', { headers: { Accept: 'application/json' } })
		.then((r) => r.ok && (r.headers.get('Content-Type') ?? '').includes('application/json'))
		.catch(() => false);
	return localRuntime;
}

export interface TestCard {
	name: string;
	address: string;
	birthdate: string;
	gender: '1' | '2' | '3';
	state: 'valid' | 'expired' | 'revoked';
	format: SignatureFormat;
}

async function localJson<T>(path: string, body: unknown): Promise<T> {
	const response = await fetch(path, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify(body)
	});
	if (!response.ok) throw new Error(`${path}: ${response.status}`);
	return (await response.json()) as T;
}

/** The local runtime's JPKI-TEST CA makes the card, then the card signs the challenge. */
export async function signWithTestCard(card: TestCard, challenge: Challenge): Promise<CardSignature> {
	const { format, ...facts } = card;
	const made = await localJson<{ cardId: string }>('/_local/mynumber-cards', facts);
	return localJson<CardSignature>(`/_local/mynumber-cards/${made.cardId}/signatures`, {
		signedData: challenge.signedData,
		format
	});
}

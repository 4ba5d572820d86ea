/**
 * Long lists: 予約の確認・変更 shows ten reservations, then もっと見る adds the next page
 * (GET /v1/reservations is paged); on a phone each reservation reads as a card.
 */
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident, signIn } from './support/citizen';

test('a resident with twelve reservations sees ten, then the rest with もっと見る @phone', async ({ page, backend }, testInfo) => {
	const resident = await registerResident(page, backend);
	// Twelve one-night stays booked through the API (the booking screens have their own tests),
	// at a resort no other browser test books, so their calendars stay all free.
	const { token } = await backend.json<{ token: string }>('POST', '/v1/sessions', { userNumber: resident.userNumber, password: resident.password });
	const today = await backend.today();
	const numbers: string[] = [];
	for (let i = 0; i < 12; i++) {
		const hold = await backend.json<{ holdId: string }>(
			'POST', '/v1/holds',
			{ facilityId: 'minato-atagawa', resourceTypeId: 'washitsu', date: addDays(today, 15 + i), nights: 1, quantity: 1 },
			token
		);
		const booked = await backend.json<{ reservationNumber: string }>(
			'POST', '/v1/reservations', { holdId: hold.holdId, party: [{ night: 1, adults: 1, children: 0 }] }, token
		);
		numbers.push(booked.reservationNumber);
	}

	await signIn(page, resident);
	await page.goto('/reservations');
	const rows = page.locator('tbody tr');
	await expect(rows).toHaveCount(10);
	await expect(page.getByText('10件を表示しています。続きがあります。')).toBeVisible();
	await expectAccessible(page, 'first page');
	if (testInfo.project.name === 'phone') {
		// a card per reservation, as wide as the screen at most: nothing scrolls sideways
		const box = (await rows.first().boundingBox())!;
		expect(box.width).toBeLessThanOrEqual(375);
		const label = await rows.first().locator('td').first().evaluate((td) => getComputedStyle(td, '::before').content);
		expect(label).toBe('"予約番号"'); // each line of the card starts with its column's name
		if (process.env.SCREENSHOTS) await page.screenshot({ path: 'screenshots/19-reservations-cards-375.png', fullPage: true });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
	}

	await page.getByRole('button', { name: 'もっと見る' }).click();
	await expect(rows).toHaveCount(12);
	await expect(page.getByText('全12件を表示しています。')).toBeVisible();
	await expect(page.getByRole('button', { name: 'もっと見る' })).toHaveCount(0);
	for (const number of numbers) await expect(page.getByRole('link', { name: number, exact: true })).toBeVisible();
	await expectAccessible(page, 'all pages');
});

/**
 * The staff day lists come a page at a time: the check-in list (予約の確認・取消し) and the
 * counter appointments (窓口予約) show the first page, もっと見る adds the rest, nothing twice.
 * The page size is the console's own `limit` from the page's URL (the API pages for real).
 * The facility-and-day filter is used by keyboard; on a phone each row reads as a card.
 */
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

test('the check-in list shows two, then the rest with もっと見る, and reads as cards on a phone @phone', async ({ page, backend }, testInfo) => {
	test.setTimeout(180_000);
	// a resident books five rooms for one night at ラビスタ伊豆山, one booking at a time
	const resident = await registerResident(page, backend);
	// Each project (desktop, phone) books its own day: both run against one service.
	const day = addDays(await backend.today(), daysAhead(testInfo.project.name, 25, 18));
	const { token } = await backend.json<{ token: string }>('POST', '/v1/sessions', {
		userNumber: resident.userNumber,
		password: resident.password
	});
	const numbers: string[] = [];
	for (let i = 0; i < 5; i++) {
		const held = await backend.json<{ holdId: string }>(
			'POST',
			'/v1/holds',
			{ facilityId: 'minato-izusan', resourceTypeId: 'wayoshitsu', date: day, nights: 1, quantity: 1 },
			token
		);
		const made = await backend.json<{ reservationNumber: string }>(
			'POST',
			'/v1/reservations',
			{ holdId: held.holdId, party: [{ night: 1, adults: 2, children: 0 }] },
			token
		);
		numbers.push(made.reservationNumber);
	}
	// Everyone arriving that day (other tests may book there too), as the API lists them.
	const all = await backend.json<{ items: { reservation: { reservationNumber: string } }[]; nextToken?: string }>(
		'GET',
		`/v1/staff/facilities/minato-izusan/reservations?date=${day}&limit=100`,
		undefined,
		await backend.staffToken()
	);
	expect(all.nextToken).toBeUndefined();
	const total = all.items.length;
	expect(total).toBeGreaterThanOrEqual(5);

	// The console opened with a page size of two, on another facility.
	await staffSignIn(page, STAFF.manager, '/staff/reservations?facilityId=minato-ohiradai&limit=2');
	await expect(page.getByRole('heading', { level: 1, name: '予約の確認・取消し' })).toBeVisible();

	// The filter by keyboard: the facility one up in the list, Tab to the day, type it, Enter.
	const facility = page.getByLabel('施設');
	await expect(facility).toHaveValue('minato-ohiradai');
	await facility.focus();
	await page.keyboard.press('ArrowUp');
	await expect(facility).toHaveValue('minato-izusan');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('利用日')).toBeFocused();
	await page.getByLabel('利用日').fill(day);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(new RegExp(`facilityId=minato-izusan&date=${day}&limit=2`));

	const list = page.getByRole('region', { name: /の予約 \(/ });
	const rows = list.locator('tbody tr');
	await expect(list).toHaveAccessibleName(/の予約 \(2件を表示中、続きがあります\)$/);
	await expect(rows).toHaveCount(2);
	await expect(page.getByText('2件を表示しています。続きがあります。')).toBeVisible();
	await expectAccessible(page, 'check-in list, first page');
	if (testInfo.project.name === 'phone') {
		// a card per reservation, no wider than the screen, each line after its column's name
		const box = (await rows.first().boundingBox())!;
		expect(box.width).toBeLessThanOrEqual(375);
		const label = await rows.first().locator('td').first().evaluate((td) => getComputedStyle(td, '::before').content);
		expect(label).toBe('"予約番号"');
		// the guest's lines stay together after the label 利用者, the link among them
		const link = (await rows.first().getByRole('link', { name: /^利用者番号/ }).boundingBox())!;
		expect(link.x).toBeGreaterThan(box.x + 100);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		await page.screenshot({ path: 'test-results/staff-checkin-375.png', fullPage: true });
	} else {
		// a table on a desktop: its column headers are read with every cell
		await expect(list.getByRole('columnheader', { name: '予約番号' })).toBeVisible();
		await expect(list.getByRole('row')).toHaveCount(3); // the header row and two
		const label = await rows.first().locator('td').first().evaluate((td) => getComputedStyle(td, '::before').content);
		expect(label).toBe('none');
		await page.screenshot({ path: 'test-results/staff-checkin-1280.png', fullPage: true });
	}

	// もっと見る (by keyboard) until the whole day is shown, each reservation once.
	for (let shown = 2; shown < total; shown = Math.min(shown + 2, total)) {
		await page.getByRole('button', { name: 'もっと見る' }).focus();
		await page.keyboard.press('Enter');
		await expect(rows).toHaveCount(Math.min(shown + 2, total));
	}
	await expect(page.getByRole('button', { name: 'もっと見る' })).toHaveCount(0);
	await expect(page.getByText(`全${total}件を表示しています。`)).toBeVisible();
	await expect(list).toHaveAccessibleName(new RegExp(`の予約 \\(${total}件\\)$`));
	const listed = await rows.locator('td:first-child').allTextContents();
	expect(listed.map((n) => n.trim())).toEqual(all.items.map((r) => r.reservation.reservationNumber));
	for (const number of numbers) expect(listed.map((n) => n.trim())).toContain(number);
	await expectAccessible(page, 'check-in list, every page');
});

/** Notice numbers (3 letters or digits, 6 digits) no other run of this test uses. */
/** A day per Playwright project (inside the booking window), so the phone run does not find the desktop run's bookings. */
function daysAhead(project: string, desktop: number, phone: number): number {
	return project === 'phone' ? phone : desktop;
}

function person(suffix: number): { notice: string; second: string } {
	const digits = String((Date.now() + suffix) % 1_000_000).padStart(6, '0');
	return { notice: `PG${suffix}${digits}`, second: `PAGING${suffix}${digits}ABCDEF`.slice(0, 18) };
}

test('the counter appointments of a day come two at a time, by counter and time, with もっと見る @phone', async ({ page, backend, request }, testInfo) => {
	test.setTimeout(180_000);
	const staffToken = await backend.staffToken();
	const people = [1, 2, 3].map(person);
	const csv = `noticeNumber,noticeNumber2,birthdate,counter\n${people.map((p) => `${p.notice},${p.second},1980-04-01,`).join('\n')}\n`;
	const imported = await request.post('/v1/staff/appointment-eligibility?facilityId=mynumber-counter', {
		headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${staffToken}` },
		data: csv
	});
	expect(imported.status()).toBe(200);
	let day = addDays(await backend.today(), daysAhead(testInfo.project.name, 10, 17));
	while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
	// Booked out of order; the list reads by counter, then time.
	const receipts: string[] = [];
	for (const [who, counter, start] of [
		[people[0]!, 'counter-2', '13:15'],
		[people[1]!, 'counter-1', '13:30'],
		[people[2]!, 'counter-1', '13:00']
	] as const) {
		const email = `paging-${who.notice.toLowerCase()}@example.jp`;
		await backend.json('POST', '/v1/appointment-requests', {
			facilityId: 'mynumber-counter',
			email,
			people: [{ noticeNumber: who.notice, birthdate: '1980-04-01' }]
		});
		const token = /token=([\w-]+)/.exec((await backend.mail(email, '窓口予約')).body)![1];
		const hold = await backend.json<{ holdId: string }>('POST', '/v1/appointments/holds', { token, resourceTypeId: counter, date: day, start });
		const made = await backend.json<{ receiptNumber: string }>('POST', '/v1/appointments', {
			token,
			holdId: hold.holdId,
			contact: { name: '上尾 三郎', phone: '048-775-5111' }
		});
		receipts.push(made.receiptNumber);
	}
	const all = await backend.json<{ items: { receiptNumber: string; counter: string; start: string }[]; nextToken?: string }>(
		'GET',
		`/v1/staff/facilities/mynumber-counter/appointments?date=${day}&limit=100`,
		undefined,
		staffToken
	);
	expect(all.nextToken).toBeUndefined();
	const order = all.items.map((a) => `${a.counter} ${a.start}`);
	expect(order).toEqual([...order].sort());
	const total = all.items.length;
	expect(total).toBeGreaterThanOrEqual(3);

	await staffSignIn(page, STAFF.manager, '/staff/appointments?limit=2');
	await expect(page.getByLabel('施設')).toHaveValue('mynumber-counter');
	await page.getByLabel('来庁日').fill(day);
	await page.getByLabel('来庁日').press('Enter');
	await expect(page).toHaveURL(new RegExp(`facilityId=mynumber-counter&date=${day}&limit=2`));
	const rows = page.getByRole('region', { name: /窓口 \(/ }).locator('tbody tr');
	await expect(rows).toHaveCount(2);
	await expect(page.getByRole('heading', { level: 2, name: /の窓口予約 \(2件を表示中、続きがあります\)$/ })).toBeVisible();
	await expectAccessible(page, 'appointments, first page');

	for (let shown = 2; shown < total; shown = Math.min(shown + 2, total)) {
		await page.getByRole('button', { name: 'もっと見る' }).focus();
		await page.keyboard.press('Enter');
		await expect(rows).toHaveCount(Math.min(shown + 2, total));
	}
	await expect(page.getByRole('button', { name: 'もっと見る' })).toHaveCount(0);
	await expect(page.getByRole('heading', { level: 2, name: new RegExp(`の窓口予約 \\(${total}件\\)$`) })).toBeVisible();
	await expect(page.getByRole('region', { name: /^第1窓口 \(\d+件\)$/ })).toBeVisible();
	await expect(page.getByRole('region', { name: /^第2窓口 \(\d+件\)$/ })).toBeVisible();
	const listed = (await rows.locator('td:nth-child(2)').allTextContents()).map((n) => n.trim());
	expect([...listed].sort()).toEqual(all.items.map((a) => a.receiptNumber).sort());
	expect(new Set(listed).size).toBe(total); // nothing twice
	for (const receipt of receipts) expect(listed).toContain(receipt);
	await expectAccessible(page, 'appointments, every page');
});

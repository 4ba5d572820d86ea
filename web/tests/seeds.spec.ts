/**
 * What the seeds' calendars, address forms and reception hours show on the screens:
 * closing days with the holiday's name, 郵便番号⇒住所検索, 受付時間外 and 一時休止.
 */
import { expect, expectAccessible, test, uniqueEmail } from './support/fixtures';
import { addDays, field, registerResident, signIn } from './support/citizen';

/** The second Monday of January (成人の日). */
function comingOfAgeDay(year: number): string {
	const first = new Date(Date.UTC(year, 0, 1)).getUTCDay(); // 0 = Sunday
	const firstMonday = 1 + ((8 - first) % 7);
	return `${year}-01-${String(firstMonday + 7).padStart(2, '0')}`;
}

/** HH:MM in Japan time of an instant. */
function jstTime(ms: number): string {
	return new Date(ms + 9 * 3_600_000).toISOString().slice(11, 16);
}

test.describe('calendar', () => {
	test('closing days say why, and holidays show their names @phone', async ({ page, backend }) => {
		// The coming year-end as the calendar shows it from 20 December: the tennis courts
		// close 12/29–1/3 (the demo's rules); 元日 and 成人の日 are named.
		const today = await backend.today();
		const year = today <= `${today.slice(0, 4)}-12-19` ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) + 1;
		const from = `${year}-12-20`;
		const to = `${year + 1}-01-31`;
		const staff = await backend.staffToken();
		const slots = ['09:00', '11:00', '13:00', '15:00'].map((start, i) => ({ start, end: ['11:00', '13:00', '15:00', '17:00'][i] }));
		await backend.json('PUT', '/v1/staff/facilities/ageo-tennis/inventory', { resourceTypeId: 'court', from, to, capacity: 4, slots }, staff);

		await page.clock.setFixedTime(new Date(`${from}T10:00:00+09:00`));
		await page.goto('/facilities/ageo-tennis');
		const day = (date: string) => page.locator(`td[data-date="${date}"]`);
		await expect(day(`${year}-12-28`).getByRole('link')).toBeVisible(); // open
		for (const date of [`${year}-12-29`, `${year}-12-31`, `${year + 1}-01-03`]) {
			await expect(day(date)).toContainText('年末年始休館');
			await expect(day(date).getByRole('img')).toHaveAccessibleName(/休館・受付対象外 .*年末年始休館/);
		}
		await expect(day(`${year + 1}-01-01`)).toContainText('元日');
		await expect(day(`${year + 1}-01-01`).getByRole('img')).toHaveAccessibleName(/元日 年末年始休館/);
		await expect(day(`${year + 1}-01-04`).getByRole('link')).toBeVisible(); // open again
		const seijin = comingOfAgeDay(year + 1);
		await expect(day(seijin)).toContainText('成人の日');
		await expect(day(seijin).getByRole('link')).toHaveAccessibleName(/成人の日/); // open: the courts do not close on holidays
		await expect(day(seijin)).toHaveClass(/\bsun\b/); // the colour of a Sunday
		await expectAccessible(page, 'calendar with closing days');

		// the week view names the holiday in its heading
		await day(seijin).getByRole('link').click();
		await expect(page.getByRole('columnheader', { name: /成人の日/ }).first()).toBeVisible();
	});

	test('a facility closed at weekends and on holidays says so in the cell', async ({ page, backend }) => {
		// the counter closes at weekends: the first Saturday after tomorrow (within the
		// opened three months) shows 休館日
		let saturday = addDays(await backend.today(), 2);
		while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = addDays(saturday, 1);
		await page.goto('/facilities/mynumber-counter');
		const cell = page.locator(`td[data-date="${saturday}"]`);
		await expect(cell).toContainText('休館日');
		await expect(cell.getByRole('img')).toHaveAccessibleName(/休館日/);
	});
});

test.describe('registration address', () => {
	test('郵便番号から住所を入力 fills the prefecture, city and town; several places are offered; an unknown code is said', async ({ page }) => {
		await page.goto('/registrations/new');
		const home = page.getByRole('group', { name: 'ご自宅住所' });
		await field(home, '町村番地建物名').fill('1-5-25');
		await field(home, '郵便番号').fill('105-0011');
		await home.getByRole('button', { name: /郵便番号から住所を入力/ }).click();
		await expect(field(home, '都道府県')).toHaveValue('東京都');
		await expect(field(home, '市区郡')).toHaveValue('港区');
		await expect(field(home, '町村番地建物名')).toHaveValue('芝公園1-5-25'); // what was typed stays
		await expect(home.getByRole('status')).toContainText('東京都港区芝公園 を入力しました。');
		await expectAccessible(page, 'address filled');

		await field(home, '郵便番号').fill('498-0000');
		await home.getByRole('button', { name: /郵便番号から住所を入力/ }).click();
		await expect(home.getByRole('status')).toContainText('複数の住所があります');
		await home.getByRole('button', { name: '三重県桑名郡木曽岬町' }).click();
		await expect(field(home, '都道府県')).toHaveValue('三重県');
		await expect(field(home, '市区郡')).toHaveValue('桑名郡木曽岬町');

		await field(home, '郵便番号').fill('999-9999');
		await home.getByRole('button', { name: /郵便番号から住所を入力/ }).click();
		await expect(home.getByRole('status')).toContainText('この郵便番号の住所は見つかりません。');
		await field(home, '郵便番号').fill('12');
		await home.getByRole('button', { name: /郵便番号から住所を入力/ }).click();
		await expect(home.getByRole('status')).toContainText('7桁の数字で入力');
	});

	test('a postal code of another city is refused at the field when applying', async ({ page }) => {
		const email = uniqueEmail('postal');
		await page.goto('/registrations/new');
		await field(page, '氏名カタカナ').fill('ミナト　タロウ');
		await field(page, '氏名漢字').fill('港　太郎');
		await field(page, '電話番号').fill('03-1234-5678');
		await page.getByRole('radio', { name: '区内在住の方' }).check();
		const home = page.getByRole('group', { name: 'ご自宅住所' });
		await field(home, '郵便番号').fill('362-8501'); // 上尾市役所
		await field(home, '都道府県').fill('東京都');
		await field(home, '市区郡').fill('港区');
		await field(home, '町村番地建物名').fill('芝公園1-5-25');
		await field(page, '生年月日').fill('1990-04-01');
		await field(page, 'メールアドレス').fill(email);
		await field(page, 'メールアドレス(確認)').fill(email);
		await field(page, 'パスワード').fill('minato2024');
		await page.getByRole('button', { name: '確認' }).click();
		await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
		await page.getByRole('button', { name: '申込み' }).click();
		await expect(page.getByRole('alert')).toContainText('郵便番号 362-8501 の住所（埼玉県上尾市）と一致しません。');
		// the message stands beside the field it names, the form kept as typed
		await expect(page.locator('[data-field="address.prefecture"] .error')).toContainText('埼玉県上尾市');
		await expect(field(home, '町村番地建物名')).toHaveValue('芝公園1-5-25');
	});
});

test.describe('reception hours and suspensions', () => {
	test('outside the hours the screens say when reception opens, and a request is refused with it', async ({ page, backend }) => {
		const staff = await backend.staffToken();
		const clock = await backend.json<{ now: string }>('GET', '/_local/clock');
		const now = Date.parse(clock.now);
		const opens = jstTime(now + 2 * 3_600_000);
		const closes = jstTime(now + 3 * 3_600_000);
		await backend.json('PUT', '/v1/staff/reception-hours', { opens, closes }, staff);
		try {
			await page.goto('/');
			const notice = page.getByRole('status').filter({ hasText: 'ただいま受付時間外です。' });
			await expect(notice).toBeVisible();
			await expect(notice).toContainText(`次の受付開始は`);
			await expect(notice).toContainText(opens);
			await expect(notice).toContainText('空き状況の照会はいつでもできます。');
			await expect(page.getByText(`予約システム受付時間：${opens}から${closes}まで`)).toBeVisible();
			await expectAccessible(page, 'outside reception hours');

			// a counter request is a booking: refused with the same words
			await page.getByRole('link', { name: 'マイナンバーカード受取予約' }).click();
			const first = page.getByRole('group', { name: '1人目' });
			await field(first, '番号1').fill('ABC123456');
			await field(first, '誕生日').fill('1985-05-05');
			const email = uniqueEmail('hours');
			await field(page, '連絡先メールアドレス').fill(email);
			await field(page, '連絡先メールアドレス(確認用)').fill(email);
			await page.getByRole('button', { name: '送信する' }).click();
			await expect(page.getByRole('alert')).toContainText('受付時間外です');
			await expect(page.getByRole('alert')).toContainText('次の受付開始は');
		} finally {
			await backend.json('PUT', '/v1/staff/reception-hours', null, staff);
		}
		await page.goto('/');
		await expect(page.getByText('ただいま受付時間外です。')).toHaveCount(0);
	});

	test('a planned suspension is announced, and during it the notice says why and until when @phone', async ({ page, backend }) => {
		const staff = await backend.staffToken();
		const clock = await backend.json<{ now: string }>('GET', '/_local/clock');
		const now = Date.parse(clock.now);
		const iso = (ms: number) => new Date(ms).toISOString();
		const planned = await backend.json<{ suspensionId: string }>('POST', '/v1/staff/suspensions', {
			from: iso(now + 86_400_000), until: iso(now + 90_000_000), notice: 'システム更新のため、予約の受付を停止します。'
		}, staff);
		let current: { suspensionId: string } | null = null;
		try {
			await page.goto('/');
			const announced = page.getByRole('status').filter({ hasText: 'システム一時休止のお知らせ' });
			await expect(announced).toContainText('システム更新のため、予約の受付を停止します。');
			await expect(page.getByText('ただいまシステムを一時休止しています。')).toHaveCount(0);

			current = await backend.json<{ suspensionId: string }>('POST', '/v1/staff/suspensions', {
				from: iso(now - 60_000), until: iso(now + 3_600_000), notice: '障害対応のため一時休止しています。'
			}, staff);
			await page.goto('/facilities/minato-ohiradai');
			const notice = page.getByRole('status').filter({ hasText: 'ただいまシステムを一時休止しています。' });
			await expect(notice).toContainText('障害対応のため一時休止しています。');
			await expect(notice).toContainText('次の受付開始は');
			await expectAccessible(page, 'suspended');
		} finally {
			await backend.json('DELETE', `/v1/staff/suspensions/${planned.suspensionId}`, undefined, staff);
			if (current) await backend.json('DELETE', `/v1/staff/suspensions/${current.suspensionId}`, undefined, staff);
		}
	});
});

test.describe('my reservations', () => {
	test('the list greys out what can no longer be changed, and several are cancelled at once', async ({ page, backend }) => {
		const resident = await registerResident(page, backend);
		const session = await backend.json<{ token: string }>('POST', '/v1/sessions', { userNumber: resident.userNumber, password: resident.password });
		const today = await backend.today();
		const book = async (date: string) => {
			const hold = await backend.json<{ holdId: string }>('POST', '/v1/holds', { facilityId: 'minato-ohiradai', resourceTypeId: 'room', date, nights: 1, quantity: 1 }, session.token);
			const made = await backend.json<{ reservationNumber: string }>('POST', '/v1/reservations', { holdId: hold.holdId, party: [{ night: 1, adults: 2, children: 0 }] }, session.token);
			return made.reservationNumber;
		};
		// the first is 4 days away once the clock moves 16 days on: past its change
		// deadline (5 days before), still cancellable (3 days before)
		const soon = await book(addDays(today, 20));
		const later = await book(addDays(today, 28));
		await backend.moveClock(16 * 86_400);
		try {
			await signIn(page, resident);
			await page.goto('/reservations');
			const first = page.getByRole('row', { name: new RegExp(soon) });
			await expect(first).toContainText('受付終了');
			await expect(first.getByRole('link', { name: `変更 ${soon}` })).toHaveCount(0);
			const second = page.getByRole('row', { name: new RegExp(later) });
			await expect(second.getByRole('link', { name: `変更 ${later}` })).toBeVisible();
			await expect(second).not.toContainText('受付終了');
			await expectAccessible(page, 'reservations with a closed change period');

			await page.goto('/reservations/cancel');
			await page.getByRole('checkbox', { name: `選択 ${soon}` }).check();
			await page.getByRole('checkbox', { name: `選択 ${later}` }).check();
			await page.getByRole('button', { name: '取消し' }).click();
			await expect(page.getByRole('dialog')).toContainText('選択した2件の予約を取り消します。よろしいですか？');
			await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
			await expect(page.getByRole('status').filter({ hasText: '予約の取消しが完了しました。' })).toContainText(soon);
			await expect(page.getByRole('status').filter({ hasText: '予約の取消しが完了しました。' })).toContainText(later);
			await page.goto('/reservations');
			for (const number of [soon, later]) await expect(page.getByRole('row', { name: new RegExp(number) })).toContainText('取消済み');
		} finally {
			await backend.moveClock(0);
		}
	});
});

/**
 * Screenshots of the screens at phone (375 px) and desktop (1280 px) width, to look at:
 * `SCREENSHOTS=1 npx playwright test tests/screens.spec.ts` writes web/screenshots/*.png.
 * Every page is also scanned with axe at both widths.
 */
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident, signIn } from './support/citizen';

test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to take screenshots');

const WIDTHS = [375, 1280];

test('every screen at phone and desktop width', async ({ page, backend }) => {
	test.setTimeout(300_000);
	const shoot = async (name: string) => {
		for (const width of WIDTHS) {
			await page.setViewportSize({ width, height: width < 800 ? 740 : 900 });
			await page.waitForTimeout(150);
			await expectAccessible(page, `${name} at ${width}`);
			await page.screenshot({ path: `screenshots/${name}-${width}.png`, fullPage: true });
		}
	};
	const today = await backend.today();
	await page.goto('/');
	await expect(page.getByText('オンライン利用者登録を始めました')).toBeVisible();
	await shoot('01-top');
	await page.goto('/facilities');
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('02-facilities');
	await page.goto('/facilities/minato-ohiradai');
	await expect(page.getByRole('link', { name: /●/ }).first()).toBeVisible();
	await shoot('03-calendar');
	await page.goto(`/facilities/ageo-gym/week?from=${addDays(today, 20)}`);
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('04-week-slots');
	await page.goto('/registrations/new');
	await shoot('05-registration');
	await page.goto('/appointments');
	await shoot('06-appointment-request');
	await page.goto('/lotteries');
	await shoot('07-lotteries');

	const resident = await registerResident(page, backend);
	await shoot('08-registration-confirmed');
	await signIn(page, resident);
	await shoot('09-menu');
	await page.goto(`/facilities/minato-ohiradai/week?from=${addDays(today, 20)}`);
	await page.getByRole('link', { name: /空き\d+/ }).first().click();
	await page.getByRole('radio', { name: '2泊' }).check();
	await page.getByRole('button', { name: '仮押さえ' }).click();
	await expect(page.getByRole('timer')).toBeVisible();
	await shoot('10-booking-hold');
	await page.getByLabel('1泊目 大人 (中学生以上)').fill('2');
	await page.getByLabel('2泊目 大人 (中学生以上)').fill('0');
	await page.getByRole('button', { name: '申込み', exact: true }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await shoot('11-booking-error-next-to-field');
	await page.getByLabel('2泊目 大人 (中学生以上)').fill('2');
	await page.getByRole('button', { name: '申込み', exact: true }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByTestId('reservation-number')).toBeVisible();
	await shoot('12-booked');
	await page.goto('/reservations');
	await expect(page.getByRole('table')).toBeVisible();
	await shoot('13-reservations');
	await page.goto('/me');
	await expect(page.getByTestId('account-status')).toBeVisible();
	await shoot('14-my-page');
	await page.getByRole('button', { name: 'English' }).click();
	await shoot('15-my-page-en');
});

test('the My Number card on the registration form', async ({ page }) => {
	const shoot = async (name: string) => {
		for (const width of WIDTHS) {
			await page.setViewportSize({ width, height: width < 800 ? 740 : 900 });
			await page.waitForTimeout(150);
			await expectAccessible(page, `${name} at ${width}`);
			await page.screenshot({ path: `screenshots/${name}-${width}.png`, fullPage: true });
		}
	};
	await page.goto('/registrations/new');
	await page.getByRole('radio', { name: 'マイナンバーカード', exact: true }).check();
	const section = page.getByRole('region', { name: 'マイナンバーカードによる本人確認' });
	await section.getByRole('button', { name: 'アプリを起動する' }).click();
	const app = section.getByRole('region', { name: 'テスト用カード' });
	await app.getByRole('radio', { name: '有効期限切れ (Code: 21)' }).check();
	await shoot('16-card-test-panel');
	await app.getByRole('button', { name: 'カードで署名する' }).click();
	await expect(app.getByText('電子署名処理に成功しました。')).toBeVisible();
	await section.getByRole('button', { name: '情報を反映する' }).click();
	await expect(section.getByRole('alert')).toContainText('(Code: 21)');
	await shoot('17-card-code-21');
	await section.getByRole('button', { name: 'アプリを起動する' }).click();
	await app.getByRole('radio', { name: '有効', exact: true }).check();
	await app.getByRole('button', { name: 'カードで署名する' }).click();
	await expect(app.getByText('電子署名処理に成功しました。')).toBeVisible();
	await section.getByRole('button', { name: '情報を反映する' }).click();
	await expect(section.getByText('マイナンバーカードの読み取りが完了しました。')).toBeVisible();
	await shoot('18-card-reflected');
});

/**
 * Screenshots of the staff console at phone (375 px) and desktop (1280 px) width:
 * `SCREENSHOTS=1 npx playwright test tests/staff-screens.spec.ts` writes
 * web/screenshots/staff-*.png. Every page is also scanned with axe at both widths.
 */
import { expect, expectAccessible, test } from './support/fixtures';
import { registerWorker, STAFF, staffSignIn } from './support/staff';

test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to take screenshots');

const WIDTHS = [375, 1280];

test('every staff screen at phone and desktop width', async ({ page, backend, browser }) => {
	test.setTimeout(300_000);
	const shoot = async (name: string) => {
		for (const width of WIDTHS) {
			await page.setViewportSize({ width, height: width < 800 ? 740 : 900 });
			await page.waitForTimeout(150);
			await expectAccessible(page, `${name} at ${width}`);
			await page.screenshot({ path: `screenshots/staff-${name}-${width}.png`, fullPage: true });
		}
	};
	const worker = await registerWorker(page, backend, browser);
	await page.goto('/staff');
	await expect(page.getByRole('heading', { level: 1, name: '職員ログイン' })).toBeVisible();
	await shoot('01-sign-in');
	await staffSignIn(page, STAFF.administrator);
	await shoot('02-menu');
	await page.goto('/staff/reviews');
	await expect(page.getByRole('row').filter({ hasText: worker.userNumber })).toBeVisible();
	await shoot('03-review-queue');
	await page.getByRole('row').filter({ hasText: worker.userNumber }).getByRole('link').click();
	await expect(page.getByRole('img', { name: '申請者が添付した在勤を証明する書類' })).toBeVisible();
	await shoot('04-review');
	await page.goto(`/staff/reservations?facilityId=minato-ohiradai&date=${await backend.today()}`);
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('05-reservations');
	await page.goto('/staff/lotteries');
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('06-lotteries');
	await page.goto(`/staff/appointments?facilityId=mynumber-counter&date=${await backend.today()}`);
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('06b-appointments');
	await page.goto('/staff/notices');
	await expect(page.getByRole('table')).toBeVisible();
	await shoot('07-notices');
	await page.goto('/staff/audit');
	await expect(page.getByRole('table')).toBeVisible();
	await shoot('08-audit');
	await page.goto(`/staff/citizens?userNumber=${worker.userNumber}`);
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('09-citizen');
	await page.goto('/staff/registration-cards');
	await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
	await shoot('10-registration-cards');
	await page.goto('/staff/reception');
	await expect(page.getByTestId('reception-hours')).toBeVisible();
	await shoot('11-reception');
});

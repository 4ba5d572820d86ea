/** Steps a citizen takes on the screens, shared by the flows. */
import { expect, type Locator, type Page } from '@playwright/test';
import { Backend, expectAccessible, uniqueEmail } from './fixtures';

export interface Registered {
	email: string;
	password: string;
	userNumber: string;
}

/** A form field by its label as a screen reader reads it (the label, then 必須 if required). */
export function field(scope: Page | Locator, label: string): Locator {
	const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return scope.getByLabel(new RegExp(`^${escaped}( 必須)?$`));
}

/** Dates as the screens say them (2026年12月22日火曜日). */
export function jaDate(iso: string): string {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	return new Intl.DateTimeFormat('ja-JP', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(
		new Date(Date.UTC(y, m - 1, d))
	);
}

export function addDays(iso: string, days: number): string {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Fills the registration form as a resident would and reaches the review step. */
export async function fillRegistration(page: Page, email: string, password: string, worker = false): Promise<void> {
	await field(page, '氏名カタカナ').fill('ミナト　タロウ');
	await field(page, '氏名漢字').fill('港　太郎');
	await field(page, '電話番号').fill('03-1234-5678');
	await page.getByRole('radio', { name: worker ? '区内在勤の方' : '区内在住の方' }).check();
	const home = page.getByRole('group', { name: 'ご自宅住所' });
	await field(home, '郵便番号').fill('105-8511');
	await field(home, '都道府県').fill('東京都');
	await field(home, '市区郡').fill('港区');
	await field(home, '町村番地建物名').fill('芝公園1-5-25');
	await field(page, '生年月日').fill('1990-04-01');
	await field(page, 'メールアドレス').fill(email);
	await field(page, 'メールアドレス(確認)').fill(email);
	await field(page, 'パスワード').fill(password);
	if (worker) {
		const work = page.getByRole('group', { name: '勤務先 (在勤の方)' });
		await field(work, '勤務先名称').fill('港商事株式会社');
		await field(work, '郵便番号').fill('105-0011');
		await field(work, '都道府県').fill('東京都');
		await field(work, '市区郡').fill('港区');
		await field(work, '町村番地建物名').fill('芝公園2-1');
		await field(work, '勤務先電話番号').fill('03-5555-0000');
	}
}

/** Registers on the screens, opens the e-mailed link, and returns the user number. */
export async function registerResident(page: Page, backend: Backend): Promise<Registered> {
	const email = uniqueEmail('resident');
	const password = 'minato2024';
	await page.goto('/registrations/new');
	await fillRegistration(page, email, password);
	await page.getByRole('button', { name: '確認' }).click();
	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '確認メールを送信しました' })).toBeVisible();
	const mail = await backend.mail(email, 'メールアドレスの確認');
	await page.goto(Backend.link(mail));
	await expect(page.getByRole('heading', { level: 1, name: '利用者登録が完了しました。' })).toBeVisible();
	const userNumber = (await page.getByTestId('user-number').textContent())!.trim();
	expect(userNumber).toMatch(/^\d{6}$/);
	return { email, password, userNumber };
}

export async function signIn(page: Page, who: Registered): Promise<void> {
	await page.goto('/login');
	await field(page, '利用者番号').fill(who.userNumber);
	await field(page, 'パスワード').fill(who.password);
	await field(page, 'パスワード').press('Enter'); // by keyboard
	await expect(page.getByRole('heading', { level: 1, name: '登録されている方の専用メニュー' })).toBeVisible();
	await expectAccessible(page, 'member menu');
}

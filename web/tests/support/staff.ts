/** Steps a staff member takes in the console (/staff), shared by the staff flows. */
import { expect, type Browser, type Page } from '@playwright/test';
import { Backend, expectAccessible, uniqueEmail } from './fixtures';
import { field, fillRegistration, type Registered } from './citizen';

/** The local runtime's demo accounts, one per role (local/demo.py). */
export const STAFF = {
	administrator: { id: 'demo-staff', password: 'demo-staff-password', name: 'デモ管理者' },
	reviewer: { id: 'demo-reviewer', password: 'demo-reviewer-password', name: 'デモ審査担当' },
	manager: { id: 'demo-manager', password: 'demo-manager-password', name: 'デモ施設管理' }
} as const;

export type StaffAccount = (typeof STAFF)[keyof typeof STAFF];

/** Signs in at 職員ログイン (the page a staff URL sends a member without a session to). */
export async function staffSignIn(page: Page, who: StaffAccount, from = '/staff'): Promise<void> {
	await page.goto(from);
	await expect(page.getByRole('heading', { level: 1, name: '職員ログイン' })).toBeVisible();
	await field(page, '職員ID').fill(who.id);
	await field(page, 'パスワード').fill(who.password);
	await field(page, 'パスワード').press('Enter');
	await expect(page.getByTestId('staff-who')).toContainText(who.name);
}

/** A real PNG (a picture of a staff ID card) made by the browser itself. */
export async function proofPicture(browser: Browser): Promise<Buffer> {
	const scratch = await browser.newPage({ viewport: { width: 360, height: 220 } });
	await scratch.setContent(
		'<body style="margin:0;font:20px sans-serif"><div style="width:340px;height:200px;margin:10px;border:3px solid #235;' +
			'background:#eef">社員証<br>港商事株式会社<br>港　太郎<br>東京都港区芝公園2-1</div></body>'
	);
	const png = await scratch.screenshot({ type: 'png' });
	await scratch.close();
	return png;
}

/** A worker registers on the screens with a picture of their staff ID card as proof. */
export async function registerWorker(page: Page, backend: Backend, browser: Browser): Promise<Registered> {
	const email = uniqueEmail('worker');
	const password = 'minato2024';
	await page.goto('/registrations/new');
	await fillRegistration(page, email, password, true);
	await page.getByRole('button', { name: '確認' }).click();
	const picture = await proofPicture(browser);
	await field(page, '在勤を証明する書類').setInputFiles({ name: 'shain-sho.png', mimeType: 'image/png', buffer: picture });
	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '確認メールを送信しました' })).toBeVisible();
	await page.goto(Backend.link(await backend.mail(email, 'メールアドレスの確認')));
	const userNumber = (await page.getByTestId('user-number').textContent())!.trim();
	await expectAccessible(page, 'registration confirmed');
	return { email, password, userNumber };
}

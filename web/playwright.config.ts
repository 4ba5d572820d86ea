import { defineConfig, devices } from '@playwright/test';

// Browser tests drive Debian's chromium (no browser download is possible here) against
// the local runtime, which tests/support/global-setup.ts starts on a free port.
// Chromium's own background connections are switched off: the network is closed.
const chromium = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-dev-shm-usage',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--disable-default-apps',
		'--no-first-run'
	]
};

export default defineConfig({
	testDir: 'tests',
	testMatch: /.*\.spec\.ts/,
	// One runtime is shared and some tests move its clock: one test at a time.
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 120_000,
	expect: { timeout: 15_000 },
	reporter: [['list']],
	globalSetup: './tests/support/global-setup.ts',
	globalTeardown: './tests/support/global-teardown.ts',
	outputDir: 'test-results',
	use: {
		locale: 'ja-JP',
		timezoneId: 'Asia/Tokyo',
		launchOptions: chromium,
		actionTimeout: 15_000,
		navigationTimeout: 30_000,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	projects: [
		{ name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 900 }, channel: undefined } },
		{
			name: 'phone',
			grep: /@phone/,
			use: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
		}
	]
});

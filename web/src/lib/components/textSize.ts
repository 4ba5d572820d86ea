/** 小 / 中 / 大 of the seed screens: a class on <html> scales every rem-sized token. */
export type TextSize = 'small' | 'medium' | 'large';
const KEY = 'yoyaku.textSize';

export function applyTextSize(size: TextSize): void {
	const root = document.documentElement;
	root.classList.remove('text-small', 'text-large');
	if (size !== 'medium') root.classList.add(`text-${size}`);
	try {
		localStorage.setItem(KEY, size);
	} catch {
		// the choice lasts for this page only
	}
}

export function savedTextSize(): TextSize {
	try {
		const saved = localStorage.getItem(KEY);
		if (saved === 'small' || saved === 'large') return saved;
	} catch {
		// fall through
	}
	return 'medium';
}

export function restoreTextSize(): void {
	applyTextSize(savedTextSize());
}

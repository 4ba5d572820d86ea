/** Where to go after signing in: only a path of this site, never another origin. */
export function safeNext(next: string | null | undefined, fallback = '/menu'): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	return next;
}

/** The sign-in page for someone who was at `path` (with its query). */
export function loginFor(path: string): string {
	return `/login?next=${encodeURIComponent(path)}`;
}

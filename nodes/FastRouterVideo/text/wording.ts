/**
 * Small pieces of the sentences users read: durations, sizes, an excerpt of an unexpected answer,
 * an item's name and a value as given. One spelling each, wherever a message is built.
 */

/** How much of an unexpected answer the user is shown. */
const EXCERPT_CHARS = 120;
/** How much of a value given for a field or an option the user is shown. */
const SHOWN_VALUE_CHARS = 60;

/** Seconds, for messages: 1.5 s reads better than 1500 ms, and 2 s better than 2.0 s. */
export function seconds(ms: number): string {
	// Tenths, so a limit measured a few ms after it was set (1998 ms) still reads as set (2 s).
	return `${Math.round(ms / 100) / 10} s`;
}

export function kb(bytes: number): string {
	return bytes >= 1024 * 1024
		? `${+(bytes / 1024 / 1024).toFixed(1)} MB`
		: `${+(bytes / 1024).toFixed(1)} KB`;
}

/** The start of a text (an HTML page's title, if it has one), on one line, quoted. */
export function excerpt(text: string): string {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
	const line = (title ?? text).replace(/\s+/g, ' ').trim();
	return `"${line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line}"`;
}

/** Items are counted from 1 in what users read, as n8n's own messages count them. */
export function itemLabel(itemIndex: number): string {
	return `Item ${itemIndex + 1}`;
}

/**
 * A value as the user gave it, for "<field> <value> is not …" messages: text and numbers as they
 * are (text quoted only when spaces at its ends or nothing at all would otherwise be invisible),
 * anything else as JSON; shortened past SHOWN_VALUE_CHARS.
 */
export function show(value: unknown): string {
	let text: string;
	if (typeof value === 'string')
		text = value === '' || value.trim() !== value ? JSON.stringify(value) : value;
	else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
		text = String(value);
	else {
		try {
			text = JSON.stringify(value) ?? String(value);
		} catch {
			// JSON cannot show a cycle or a BigInt inside the value; its string form still can.
			text = String(value);
		}
	}
	return text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS - 3)}...` : text;
}

/** What a thrown value says: its message (an Error's, or any object's that has one), else the value. */
export function messageOf(error: unknown): string {
	if (typeof error === 'object' && error !== null && 'message' in error)
		return String(error.message);
	return String(error);
}

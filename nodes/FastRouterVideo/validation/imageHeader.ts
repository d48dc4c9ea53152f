/**
 * What an image's own bytes say it is: JPG or PNG by their magic numbers, and the pixel size from
 * the header (PNG's IHDR chunk, JPEG's SOF marker). The file name and mime type are not trusted.
 */

type ImageFormat = 'PNG' | 'JPG';

type ImageHeader =
	| { ok: true; format: ImageFormat; width: number; height: number }
	| { ok: false; problem: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Formats FastRouter refuses, named so the message says what the file is. */
const OTHER_SIGNATURES: Array<{ name: string; bytes: number[]; at?: number }> = [
	{ name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
	{ name: 'WebP', bytes: [0x57, 0x45, 0x42, 0x50], at: 8 },
	{ name: 'BMP', bytes: [0x42, 0x4d] },
	{ name: 'TIFF', bytes: [0x49, 0x49, 0x2a, 0x00] },
	{ name: 'TIFF', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
	{ name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46] },
	{ name: 'HEIC/AVIF', bytes: [0x66, 0x74, 0x79, 0x70], at: 4 },
];

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
	return (
		bytes.length >= at + signature.length &&
		signature.every((byte, index) => bytes[at + index] === byte)
	);
}

function uint16(bytes: Uint8Array, at: number): number {
	return (bytes[at] << 8) | bytes[at + 1];
}

function uint32(bytes: Uint8Array, at: number): number {
	return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

export function readImageHeader(bytes: Uint8Array): ImageHeader {
	if (startsWith(bytes, PNG_SIGNATURE)) return pngSize(bytes);
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpegSize(bytes);
	const other = OTHER_SIGNATURES.find((signature) =>
		startsWith(bytes, signature.bytes, signature.at),
	);
	if (bytes.length === 0) return { ok: false, problem: 'is empty' };
	return {
		ok: false,
		problem: other ? `is a ${other.name} file, not a JPG or PNG` : 'is not a JPG or PNG image',
	};
}

function pngSize(bytes: Uint8Array): ImageHeader {
	// The first chunk is IHDR: length (4), type (4), then width and height as 32-bit big-endian.
	if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
		return { ok: false, problem: 'is a damaged PNG (no IHDR header)' };
	}
	return sized('PNG', uint32(bytes, 16), uint32(bytes, 20));
}

// Start-of-frame markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
function isStartOfFrame(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegSize(bytes: Uint8Array): ImageHeader {
	let at = 2;
	while (at + 4 <= bytes.length) {
		if (bytes[at] !== 0xff) break;
		const marker = bytes[at + 1];
		if (marker === 0xff) {
			at++; // fill byte
			continue;
		}
		// Markers without a length: TEM and RST0–7.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			at += 2;
			continue;
		}
		// Scan data or the end of the image before any frame header: no size to read.
		if (marker === 0xda || marker === 0xd9) break;
		const length = uint16(bytes, at + 2);
		if (isStartOfFrame(marker)) {
			if (at + 9 > bytes.length) break;
			// FF Cn, length (2), precision (1), height (2), width (2).
			return sized('JPG', uint16(bytes, at + 7), uint16(bytes, at + 5));
		}
		if (length < 2) break;
		at += 2 + length;
	}
	return { ok: false, problem: 'is a damaged JPG (no frame header with its size)' };
}

function sized(format: ImageFormat, width: number, height: number): ImageHeader {
	if (width === 0 || height === 0)
		return { ok: false, problem: `is a ${format} of ${width}×${height} pixels` };
	return { ok: true, format, width, height };
}

/** FastRouter's rule for input images: from 1:4 (tall) to 4:1 (wide), both included. */
export const MAX_ASPECT = 4;

export function aspectRatioAllowed(width: number, height: number): boolean {
	return width <= MAX_ASPECT * height && height <= MAX_ASPECT * width;
}

/** 1920×1080 → "16:9"; far-off ratios as a decimal, e.g. "5.2:1". */
export function describeRatio(width: number, height: number): string {
	const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
	const divisor = gcd(width, height);
	const [w, h] = [width / divisor, height / divisor];
	if (w <= 32 && h <= 32) return `${w}:${h}`;
	return width >= height ? `${(width / height).toFixed(1)}:1` : `1:${(height / width).toFixed(1)}`;
}

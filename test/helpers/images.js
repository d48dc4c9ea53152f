// @ts-check
'use strict';

// Real, decodable test images of any size, made here rather than committed: a PNG (one colour,
// zlib-compressed scanlines, CRC-checked chunks) and a baseline grayscale JPEG (mid-grey, with
// minimal Huffman tables: each 8×8 block is "DC unchanged, end of block"). The JPEG carries an
// APP1 comment segment before its frame header, as camera photos carry EXIF.

const zlib = require('node:zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

/** @param {Buffer} bytes */
function crc32(bytes) {
	let c = 0xffffffff;
	for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function pngChunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** @param {number} width @param {number} height */
function png(width, height) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // truecolour
	const row = Buffer.concat([
		Buffer.from([0]),
		Buffer.from(Array.from({ length: width }, () => [230, 120, 40]).flat()),
	]);
	const raw = Buffer.concat(Array.from({ length: height }, () => row));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', zlib.deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** @param {number} marker @param {Buffer | number[]} payload */
function segment(marker, payload) {
	const data = Buffer.from(payload);
	const length = Buffer.alloc(2);
	length.writeUInt16BE(data.length + 2);
	return Buffer.concat([Buffer.from([0xff, marker]), length, data]);
}

/** @param {number} width @param {number} height */
function jpeg(width, height) {
	const u16 = (/** @type {number} */ value) => [value >> 8, value & 0xff];
	const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
	// Two bits a block ("0" DC category 0, "0" end of block), padded with 1s to whole bytes.
	const bits = '00'.repeat(blocks);
	const padded = bits + '1'.repeat((8 - (bits.length % 8)) % 8);
	const scan = Buffer.from(padded.match(/.{8}/g)?.map((byte) => parseInt(byte, 2)) ?? []);
	const oneCodeTable = (/** @type {number} */ classAndId) => [
		classAndId,
		1,
		...Array(15).fill(0),
		0,
	];
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
		segment(
			0xe1,
			Buffer.concat([Buffer.from('n8n-nodes-fastrouter test\0', 'latin1'), Buffer.alloc(2000)]),
		),
		segment(0xdb, [0, ...Array(64).fill(1)]),
		segment(0xc0, [8, ...u16(height), ...u16(width), 1, 1, 0x11, 0]),
		segment(0xc4, [...oneCodeTable(0x00), ...oneCodeTable(0x10)]),
		segment(0xda, [1, 1, 0x00, 0, 63, 0]),
		scan,
		Buffer.from([0xff, 0xd9]),
	]);
}

/** The start of a GIF: a format FastRouter does not take. */
const GIF = Buffer.from(
	'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
	'latin1',
);

module.exports = { png, jpeg, GIF };

// @ts-check
'use strict';

/**
 * Waits `ms` milliseconds (no time at all for 0 or less): the one pause of the tests, jest's and
 * the real-n8n checks' alike.
 * @param {number} ms
 * @returns {Promise<void>}
 */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { sleep };

// The one place icons are copied into dist: `tsc` compiles, this task copies what it cannot.
const path = require('node:path');
const { task, src, dest } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { encoding: false }).pipe(
		dest((file) => path.resolve('dist', path.relative(path.resolve('.'), file.base))),
	),
);

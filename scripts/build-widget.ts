// Placeholder until the widget lands: makes the assets directory wrangler expects.
import { mkdir, writeFile } from 'node:fs/promises';
await mkdir('dist/public', { recursive: true });
await writeFile('dist/public/widget.js', '// widget not built yet\n');

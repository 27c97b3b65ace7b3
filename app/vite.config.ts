import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
    plugins: [react()],
    // Served from any path (the run command may mount it under a prefix).
    base: './',
    build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
    test: { include: ['src/**/*.test.ts'], testTimeout: 20_000 },
});

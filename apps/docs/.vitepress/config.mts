import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

const apiSidebarFile = fileURLToPath(new URL('../src/api/typedoc-sidebar.json', import.meta.url));
const MODULE_ORDER = [
  '@tessera/core',
  '@tessera/core/testing',
  '@tessera/backend-cpu',
  '@tessera/backend-webgpu',
  '@tessera/layers',
];

/** The sidebar typedoc wrote (scripts/api.mjs), modules in dependency order. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  if (!existsSync(apiSidebarFile))
    return [{ text: 'Run the build to generate the API reference', link: '/api/' }];
  const items = JSON.parse(readFileSync(apiSidebarFile, 'utf8')) as DefaultTheme.SidebarItem[];
  const rank = (t?: string) => (MODULE_ORDER.indexOf(t ?? '') + 100) % 100;
  return [
    { text: 'Overview', link: '/api/' },
    ...items.sort((a, b) => rank(a.text) - rank(b.text)),
  ];
}

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guides',
    items: [
      { text: 'Why Tessera', link: '/guide/' },
      { text: 'Install what you need', link: '/guide/install' },
      { text: 'Swap backends', link: '/guide/backends' },
      { text: 'Train your first ConvNet', link: '/guide/first-convnet' },
      { text: 'Memory and tidy()', link: '/guide/memory' },
      { text: 'Write a new backend', link: '/guide/new-backend' },
    ],
  },
];

const demos: DefaultTheme.SidebarItem[] = [
  {
    text: 'Live demos',
    items: [
      { text: 'All demos', link: '/demos/' },
      { text: '1 · Convolution three ways', link: '/demos/convolution' },
      { text: '1b · Image kernels', link: '/demos/image-kernels' },
      { text: '2 · Conv shape arithmetic', link: '/demos/conv-shapes' },
      { text: '3 · im2col + GEMM', link: '/demos/im2col' },
      { text: '4 · FC vs local vs conv', link: '/demos/parameters' },
      { text: '5 · Jacobians and VJPs', link: '/demos/jacobians' },
      { text: '6 · Train on MNIST', link: '/demos/train-mnist' },
      { text: '7 · Inside the network', link: '/demos/inside' },
      { text: '8 · Where the time goes', link: '/demos/layer-timing' },
      { text: '9 · Benchmarks', link: '/demos/benchmarks' },
    ],
  },
];

export default defineConfig({
  title: 'Tessera',
  description:
    'Small, reusable deep-learning packages for TypeScript with pluggable CPU, native and WebGPU backends.',
  lang: 'en-GB',
  srcDir: 'src',
  outDir: 'dist',
  cleanUrls: false,
  lastUpdated: false,
  head: [
    ['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }],
    ['meta', { name: 'theme-color', content: '#0e7c86' }],
  ],
  markdown: { math: true, theme: { light: 'github-light', dark: 'github-dark' } },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/guide/', activeMatch: '/guide/' },
      { text: 'Demos', link: '/demos/', activeMatch: '/demos/' },
      { text: 'API', link: '/api/', activeMatch: '/api/' },
    ],
    sidebar: { '/guide/': guide, '/demos/': demos, '/api/': apiSidebar() },
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: {
      message: 'Every number on the demo pages is computed in your browser by Tessera itself.',
      copyright: 'MIT licensed',
    },
  },
  vite: {
    build: {
      target: 'es2022',
      chunkSizeWarningLimit: 1500,
      // @tessera/layers' loadMnist() imports the 21 MB `mnist` package for Node; the site packs
      // the same digits into one binary at build time instead (scripts/mnist-pack.mjs).
      rollupOptions: { external: ['mnist'] },
    },
    // Dev server: never pre-bundle the 21 MB `mnist` package (only @tessera/layers' Node-side
    // loadMnist() imports it, lazily; the site never calls that).
    optimizeDeps: { exclude: ['mnist'], include: ['chart.js'] },
    // The Tessera packages are ESM; let Vite bundle them for the server render too.
    ssr: { noExternal: [/^@tessera\//] },
  },
});

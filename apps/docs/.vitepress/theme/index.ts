import DefaultTheme from 'vitepress/theme';
import { defineAsyncComponent, h, type Component } from 'vue';
import type { Theme } from 'vitepress';
import NavBackend from './components/NavBackend.vue';
import './style.css';

/**
 * Demos are registered as async components: each loads its own chunk (and Tessera, and
 * Chart.js) only on a page that uses it, so the guides stay light.
 */
const demos: Record<string, () => Promise<{ default: Component }>> = {
  DemoGallery: () => import('./components/DemoGallery.vue'),
  ConvSignal1D: () => import('./components/convolution/ConvSignal1D.vue'),
  ConvAsMatrix: () => import('./components/convolution/ConvAsMatrix.vue'),
  ConvLoops: () => import('./components/convolution/ConvLoops.vue'),
  ImageKernels: () => import('./components/image-kernels/ImageKernels.vue'),
  ConvShapes: () => import('./components/conv-shapes/ConvShapes.vue'),
  Im2colDemo: () => import('./components/im2col/Im2colDemo.vue'),
  ParamCounts: () => import('./components/parameters/ParamCounts.vue'),
  JacobianDemo: () => import('./components/jacobians/JacobianDemo.vue'),
  VjpMemory: () => import('./components/jacobians/VjpMemory.vue'),
  TrainMnist: () => import('./components/mnist/TrainMnist.vue'),
  DrawDigit: () => import('./components/mnist/DrawDigit.vue'),
  InsideNetwork: () => import('./components/inside/InsideNetwork.vue'),
  LayerTiming: () => import('./components/timing/LayerTiming.vue'),
  BenchDemo: () => import('./components/bench/BenchDemo.vue'),
};

export default {
  extends: DefaultTheme,
  Layout: () =>
    h(DefaultTheme.Layout, null, {
      'nav-bar-content-after': () => h(NavBackend),
      'nav-screen-content-after': () => h(NavBackend, { wide: true }),
    }),
  enhanceApp({ app }) {
    for (const [name, load] of Object.entries(demos))
      app.component(name, defineAsyncComponent(load));
  },
} satisfies Theme;

// A process warning (deprecation, max listeners, unhandled rejection…) fails the test run.
process.on('warning', (warning) => {
  throw warning;
});

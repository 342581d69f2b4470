// runtime: a port whose adapter (and the AWS SDK client behind it) is loaded on the port's first call
// instead of at cold start. For clients that only some requests of a function use (S3 for copies of
// people's data), so every other request's cold start does not pay for loading them (BENCHMARKS.md).

type AsyncMethods<Port> = {
  readonly [Method in keyof Port]: (...args: never[]) => Promise<unknown>;
};

/**
 * The port, with each of `methods` loading the real adapter on first use (once; again after a failed
 * load) and then calling it. Every method of such a port returns a promise, so callers see no difference.
 */
export function loadedOnFirstUse<Port extends AsyncMethods<Port>>(
  methods: readonly (keyof Port & string)[],
  load: () => Promise<Port>,
): Port {
  let loading: Promise<Port> | undefined;
  const real = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  return Object.fromEntries(
    methods.map((method) => [
      method,
      async (...args: never[]) => {
        const adapter = await real();
        return adapter[method](...args);
      },
    ]),
  ) as unknown as Port;
}

/**
 * The Node flags busybench starts the mock with (`busybench run`, `compare`, the benches, the
 * compose file and the Kubernetes manifests; `node --max-semi-space-size=32 bin/busybench.js
 * mock` by hand).
 *
 * Why: a mock answer lives 150–200 ms (the first token, then the tokens' gaps), longer than the
 * ~150 ms between scavenges of Node's default young generation at 4 000 req/s, so the objects of
 * every request in flight were copied at least once before they died. With 32 MB semi-spaces
 * most die before the next scavenge: in 8 s at json 4 000 req/s, 24 scavenges and 307 ms of
 * pauses instead of 54 and 538 ms, the longest pause the same (20 ms), the peak RSS the same
 * (204 MB against 201). 64 MB saved more (10 scavenges, 226 ms) but paused up to 35 ms and
 * peaked 40 MB higher. Figures and commands: mock-server/README.md ("Node flags"). In the
 * benches' sidecar placement that time is the proxy-under-test's core given back.
 */
export const MOCK_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

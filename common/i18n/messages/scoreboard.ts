import { defineMessages } from '../catalogue.js';

/**
 * The scoreboard namespace: `busybench compare`'s scoreboard as markdown (runner/src/scoreboard.ts),
 * as a page (runner/src/scoreboard-page.ts), and the load of each section in words
 * (runner/src/compare.ts). Callers format the figures; a message places them. Metric names,
 * units, outcome codes, strategy and scenario names and `SLA`, `p99`, `USD` stay as they are.
 */
export const SCOREBOARD_MESSAGES = defineMessages({
  en: {
    title: (strategies: string) => `busybench compare: ${strategies}`,
    listSeparator: ', ',
    intervalsRepeats: (repeats: string, order: string) =>
      `Intervals: 95 %, bootstrap over the ${repeats} repeats of each strategy (run order ${order}).`,
    intervalsWindows: (runs: number) =>
      `Intervals: 95 %, bootstrap over the 1-second windows of ${runs === 1 ? 'the run' : `the ${runs} runs`}, resampled within each step or fault phase: they cover the noise within a run, not the drift between runs (that takes --repeat 5 or more); a knee or a recovery time, which a run has once, has none then, so places are decided on figures that have one.`,
    'order.interleaved': 'interleaved',
    'order.shuffled': 'shuffled',
    capacityHeading: 'Capacity: where does each strategy break?',
    faultsHeading: 'Faults: what does each strategy do while the API is busy?',
    traceHeading: "Trace: each strategy on a real trace's bursts and sizes while the API is busy",
    places: (figure: string) => `Places by ${figure}; "=" marks a shared place.`,
    'col.place': 'place',
    'col.strategy': 'strategy',
    'col.slaHeld': 'SLA held',
    'col.faultPhase': 'fault phase',
    'col.recoveryS': 'recovery s',
    'col.runs': 'runs',
    kneeNone: 'none',
    notRecovered: (n: string, runs: string) => `not recovered (${n}/${runs} runs)`,
    tie: (place: string, strategies: string, figure: string) =>
      `Tie for place ${place}: ${strategies} — their 95 % intervals on ${figure} overlap, so the difference between them could be noise.`,
    beforeAfter: (baseline: string) => `Before / after (before: ${baseline})`,
    // How each run's recovery ended (collector/src/recovery.ts), and a run that had no such phase.
    'status.recovered': 'recovered',
    'status.not-recovered': 'not-recovered',
    'status.next-fault': 'next-fault',
    'status.no-traffic': 'no-traffic',
    'status.missing': 'missing',
    // The figures (runner/src/run-figures.ts names them; these are what a reader sees).
    'figure.successRate': 'success',
    'figure.rate429': '429 rate',
    'figure.rate503': '503 rate',
    'figure.p50Ms': 'p50 ms',
    'figure.p99Ms': 'p99 ms',
    'figure.meanMs': 'average latency ms',
    'figure.throughput': 'throughput (ok/s)',
    'figure.goodput': 'goodput (ok within the SLA latency, /s)',
    'figure.peakGoodput': 'peak goodput (best step, /s)',
    'figure.amplification': 'amplification',
    'figure.retriesPerRequest': 'retries per request',
    'figure.errorMasking': 'error masking',
    'figure.usdPer1kOk': 'USD per 1 000 answers',
    'figure.wastedTokenShare': 'tokens never delivered',
    'figure.knee': 'knee (req/s)',
    'figure.recoveryS': 'recovery s (longest)',
    // Each section's load in words (compare.ts).
    capacityLoad: (profile: string, rates: string, stepSeconds: string, mockConfig: string, nodes: string) =>
      `${profile} ${rates} req/s, ${stepSeconds}s a step; the mock: ${mockConfig} (no scenario), ${nodes} nodes`,
    faultsLoad: (
      rate: string,
      seconds: string,
      scenario: string,
      speed: string,
      config: string,
      nodes: string,
    ) =>
      `${rate} req/s for ${seconds} s while the mock plays ${scenario} at x${speed}${config}, ${nodes} nodes`,
    faultsMockConfig: (file: string) => ` (mock config ${file})`,
    traceLoad: (
      trace: string,
      rows: string,
      seconds: string,
      mean: string,
      peak: string,
      windows: string,
      scenario: string,
      nodes: string,
    ) =>
      `the trace ${trace}: ${rows} requests in ${seconds} s, mean ${mean} req/s, busiest window ${peak} req/s, ${windows} windows, while the mock plays ${scenario} over the replay, ${nodes} nodes`,
    // The page.
    'page.title': 'busybench scoreboard',
    'page.meta': (generatedAt: string, runs: number, order: string, baseline: string) =>
      `generated ${generatedAt} · ${runs} run${runs === 1 ? '' : 's'} per strategy, order ${order} · baseline ${baseline}`,
    'page.sharedPlaces': 'Shared places.',
    'page.failures': 'failures % (1 − success)',
    'page.higherBetter': 'higher is better',
    'page.lowerBetter': 'lower is better',
    'page.whisker': 'whisker: 95 % interval',
    'page.decides': 'decides the places',
    'page.notMeasured': 'not measured',
    'page.noInterval': 'no interval',
    'page.curveTitle': 'Goodput against offered load',
    'page.curveSubtitle':
      'the knee is where a curve leaves the diagonal · whisker: 95 % interval · ✕: a step where some run broke an SLA line',
    'page.diagonal': 'offered = goodput',
    'page.offeredAxis': 'offered load (req/s)',
    'page.timelineSubtitle': (scenario: string) =>
      `shaded: the fault phases of ${scenario} · one line per strategy (its first run)`,
    'page.secondsIntoLoad': 'seconds into the load',
    'page.p99Title': 'p99 latency over time',
    'page.p99Axis': 'p99 ms (log)',
    'page.errorsTitle': 'Error rate over time',
    'page.errorsAxis': 'failed requests (%)',
    // What compare prints once the scoreboard is written.
    written: (html: string, out: string) =>
      `scoreboard: ${html} (also .md, .json); per-run reports in ${out}/<experiment>/r<round>-<n>-<strategy>/`,
  },
  'zh-CN': {
    title: (strategies: string) => `busybench 对比：${strategies}`,
    listSeparator: '、',
    intervalsRepeats: (repeats: string, order: string) =>
      `区间：95%，对每个策略的 ${repeats} 次重复运行做 bootstrap（运行顺序：${order}）。`,
    intervalsWindows: (runs: number) =>
      `区间：95%，对${runs === 1 ? '这次运行' : ` ${runs} 次运行`}的 1 秒时间窗做 bootstrap，在每个步骤或故障阶段内重采样：它们覆盖的是一次运行内部的噪声，而不是多次运行之间的漂移（那需要 --repeat 5 或更多）；拐点和恢复时间每次运行只有一个值，此时没有区间，因此名次由有区间的指标决定。`,
    'order.interleaved': '交替',
    'order.shuffled': '随机打乱',
    capacityHeading: '容量：各策略在多大负载下崩溃？',
    faultsHeading: '故障：API 繁忙时各策略表现如何？',
    traceHeading: '真实流量：API 繁忙时，各策略面对真实轨迹的突发与长度表现如何？',
    places: (figure: string) => `按“${figure}”排名；“=”表示名次并列。`,
    'col.place': '名次',
    'col.strategy': '策略',
    'col.slaHeld': 'SLA 达标',
    'col.faultPhase': '故障阶段',
    'col.recoveryS': '恢复时间 s',
    'col.runs': '各次运行',
    kneeNone: '无',
    notRecovered: (n: string, runs: string) => `未恢复（${n}/${runs} 次运行）`,
    tie: (place: string, strategies: string, figure: string) =>
      `第 ${place} 名并列：${strategies}——它们在“${figure}”上的 95% 区间相互重叠，差异可能只是噪声。`,
    beforeAfter: (baseline: string) => `前后对比（对照组：${baseline}）`,
    'status.recovered': '已恢复',
    'status.not-recovered': '未恢复',
    'status.next-fault': '紧接下一故障',
    'status.no-traffic': '无流量',
    'status.missing': '缺失',
    'figure.successRate': '成功率',
    'figure.rate429': '429 比例',
    'figure.rate503': '503 比例',
    'figure.p50Ms': 'p50 ms',
    'figure.p99Ms': 'p99 ms',
    'figure.meanMs': '平均延迟 ms',
    'figure.throughput': '吞吐量（ok/s）',
    'figure.goodput': '有效吞吐（SLA 延迟内的 ok，/s）',
    'figure.peakGoodput': '峰值有效吞吐（最佳步骤，/s）',
    'figure.amplification': '放大系数',
    'figure.retriesPerRequest': '每请求重试次数',
    'figure.errorMasking': '错误屏蔽率',
    'figure.usdPer1kOk': '每千个回答的 USD',
    'figure.wastedTokenShare': '未送达的 token 占比',
    'figure.knee': '拐点（req/s）',
    'figure.recoveryS': '恢复时间 s（最长）',
    capacityLoad: (profile: string, rates: string, stepSeconds: string, mockConfig: string, nodes: string) =>
      `${profile} ${rates} req/s，每个步骤 ${stepSeconds} s；模拟服务：${mockConfig}（无场景），${nodes} 个节点`,
    faultsLoad: (
      rate: string,
      seconds: string,
      scenario: string,
      speed: string,
      config: string,
      nodes: string,
    ) =>
      `${rate} req/s 持续 ${seconds} s，模拟服务以 ${speed} 倍速播放 ${scenario}${config}，${nodes} 个节点`,
    faultsMockConfig: (file: string) => `（模拟服务配置 ${file}）`,
    traceLoad: (
      trace: string,
      rows: string,
      seconds: string,
      mean: string,
      peak: string,
      windows: string,
      scenario: string,
      nodes: string,
    ) =>
      `轨迹 ${trace}：${seconds} s 内 ${rows} 个请求，平均 ${mean} req/s，最忙窗口 ${peak} req/s，${windows} 个窗口；回放期间模拟服务播放 ${scenario}，${nodes} 个节点`,
    'page.title': 'busybench 记分板',
    'page.meta': (generatedAt: string, runs: number, order: string, baseline: string) =>
      `生成于 ${generatedAt} · 每个策略运行 ${runs} 次，顺序：${order} · 基线：${baseline}`,
    'page.sharedPlaces': '并列名次。',
    'page.failures': '失败率 %（1 − 成功率）',
    'page.higherBetter': '越高越好',
    'page.lowerBetter': '越低越好',
    'page.whisker': '误差线：95% 区间',
    'page.decides': '决定名次',
    'page.notMeasured': '未测量',
    'page.noInterval': '无区间',
    'page.curveTitle': '有效吞吐与发送负载',
    'page.curveSubtitle': '曲线离开对角线处即为拐点 · 误差线：95% 区间 · ✕：有运行未达某条 SLA 的步骤',
    'page.diagonal': '发送负载 = 有效吞吐',
    'page.offeredAxis': '发送负载（req/s）',
    'page.timelineSubtitle': (scenario: string) =>
      `阴影：${scenario} 的故障阶段 · 每个策略一条线（取其第一次运行）`,
    'page.secondsIntoLoad': '负载开始后的秒数',
    'page.p99Title': 'p99 延迟随时间变化',
    'page.p99Axis': 'p99 ms（对数）',
    'page.errorsTitle': '错误率随时间变化',
    'page.errorsAxis': '失败请求（%）',
    written: (html: string, out: string) =>
      `记分板：${html}（另有 .md、.json）；每次运行的报告在 ${out}/<实验>/r<轮次>-<序号>-<策略>/`,
  },
});

export type ScoreboardMessages = (typeof SCOREBOARD_MESSAGES)['en'];

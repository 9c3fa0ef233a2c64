import { defineMessages } from '../catalogue.js';

/**
 * The dashboards namespace of the catalogue: every dashboard's title and description, its rows,
 * each panel's title and description (`<dashboard>.<panel>.title` / `.description`, both always),
 * the variables' labels and the legends that are words. dashboards/src builds the English set
 * (dashboards/json/) and the Chinese one (dashboards/json/zh-CN/) from these.
 */
export const DASHBOARDS_MESSAGES = defineMessages({
  en: {
    'common.variable.datasource': 'Prometheus',
    'common.variable.run': 'run',
    'common.variable.strategy': 'strategy',
    'common.variable.compare': 'compare run',
    'common.variable.experiment': 'experiment',
    'common.variable.sloService': 'SLO service',
    'common.variable.slo': 'SLO',
    'common.annotation.alertsFiring': 'Alerts firing',

    'legend.target': 'target',
    'legend.achieved': 'achieved',
    'legend.succeeded': 'succeeded',
    'legend.step': 'step {{step}}',
    'legend.achievedStep': 'achieved, step {{step}}',
    'legend.targetStep': 'target, step {{step}}',
    'legend.slaLine': 'SLA line',
    'legend.inFlightAccount': 'in flight {{account}}/{{group}}',
    'legend.limitAccount': 'limit {{account}}/{{group}}',
    'legend.inFlightNode': 'in flight {{node}}',
    'legend.queuedNode': 'queued {{node}}',
    'legend.heldNode': 'held {{node}}',
    'legend.capacityNode': 'capacity {{node}}',
    'legend.fault': 'fault',
    'legend.success': 'success',
    'legend.slowest10': 'p10 (slowest 10 %)',
    'legend.strategyAchieved': '{{strategy}} achieved',
    'legend.strategyTarget': '{{strategy}} target',

    'steppedStress.title': 'busybench / Stepped stress',
    'steppedStress.description':
      'A stress test as the load generator saw it: load, latency, errors, SLA per step and the resilience KPIs.',
    'steppedStress.row.load': 'Load and latency',
    'steppedStress.row.errors': 'Errors',
    'steppedStress.row.perStep': 'Per step',
    'steppedStress.row.kpis': 'Resilience KPIs',
    'steppedStress.targetVsAchieved.title': 'Requests per second: target vs achieved',
    'steppedStress.targetVsAchieved.description':
      "The step's arrival rate against what the load generator completed; a gap means the load generator or the system fell behind.",
    'steppedStress.latency.title': 'Latency percentiles',
    'steppedStress.latency.description':
      'End-to-end latency p50, p90 and p99 from the latency histogram buckets (log scale).',
    'steppedStress.currentStep.title': 'Current step',
    'steppedStress.currentStep.description': 'The step of the newest request.',
    'steppedStress.sla.title': 'SLA',
    'steppedStress.sla.description': '1: every SLA line holds at every step so far; 0: a line broke.',
    'steppedStress.knee.title': 'Knee (req/s)',
    'steppedStress.knee.description':
      'Target rate of the knee: the last step before the first that broke an SLA line.',
    'steppedStress.dropped.title': 'Dropped iterations',
    'steppedStress.dropped.description':
      'Arrivals the load generator did not send (it fell behind, or its in-flight cap was reached); above 0 the figures understate the load.',
    'steppedStress.alertsReceived.title': 'Alerts received',
    'steppedStress.alertsReceived.description':
      "Firing notifications the collector's webhook received from Alertmanager during the run.",
    'steppedStress.successRun.title': 'Success ratio (run)',
    'steppedStress.successRun.description':
      'Requests answered whole and real (outcome ok) over all requests of the run; the SLO line is 99.95 %.',
    'steppedStress.errorsByClass.title': 'Errors by class',
    'steppedStress.errorsByClass.description':
      'Failed requests per second, stacked by outcome (429, 503, timeouts, cut streams, …).',
    'steppedStress.heatmap.title': 'Latency heatmap',
    'steppedStress.heatmap.description': 'How many requests ended in each latency bucket over time.',
    'steppedStress.successPerStep.title': 'Success ratio per step',
    'steppedStress.successPerStep.description':
      'Share of requests answered 2xx with a complete body, per step.',
    'steppedStress.p99PerStep.title': 'p99 per step (exact, HDR)',
    'steppedStress.p99PerStep.description':
      "Each step's p99 latency from the collector's exact HDR histogram; the SLA line is 800 ms.",
    'steppedStress.meanPerStep.title': 'Mean latency per step',
    'steppedStress.meanPerStep.description':
      "Each step's mean end-to-end latency, and the SLA's avg line when it has one (the guides' \"average latency > 800 ms\" alarm).",
    'steppedStress.queuePerStep.title': "Strategy's queue, peak per step",
    'steppedStress.queuePerStep.description':
      "The strategy's own queue at its highest in each step (busybench_strategy_queue_length, scraped by the collector each second), and the SLA's queue line when it has one. No data through nginx or HAProxy: they export no queue of ours.",
    'steppedStress.goodputPerStep.title': 'Goodput per step',
    'steppedStress.goodputPerStep.description': 'Successful responses within the SLA latency, per second.',
    'steppedStress.achievedPerStep.title': 'Achieved vs target per step',
    'steppedStress.achievedPerStep.description':
      'Requests completed per second over each step against the rate the step asked for.',
    'steppedStress.amplification.title': 'Amplification per step',
    'steppedStress.amplification.description': 'Upstream attempts per request sent (retry storm when >> 1).',
    'steppedStress.masking.title': 'Error masking per step',
    'steppedStress.masking.description': "Share of the upstream's error rate the strategy hid from clients.",
    'steppedStress.recovery.title': 'Recovery time after fault phases',
    'steppedStress.recovery.description':
      'From the end of each fault phase until error rate and latency were back within the SLA.',
    'steppedStress.row.users': 'Fairness between users',
    'steppedStress.users.title': 'Users',
    'steppedStress.users.description':
      'Distinct user_ids the requests carried (load --users, a trace that names users).',
    'steppedStress.usersWorstSuccess.title': 'Success of the worst 1 % of users',
    'steppedStress.usersWorstSuccess.description':
      'The success rate of the worst 1 % of users (at least one) by success rate: a heavy user starved by a per-user cap, or the others starved by it, shows here first.',
    'steppedStress.usersJain.title': "Jain's index over users",
    'steppedStress.usersJain.description':
      "Jain's fairness index over the users' goodput shares (each user's good answers over its requests): 1 when every user got the same share, 1/n when one got it all.",

    'mockUpstream.title': 'busybench / Mock upstream',
    'mockUpstream.description':
      'Ground truth per mock node: served, injected faults, concurrency against limits, held connections, tokens.',
    'mockUpstream.row.traffic': 'Traffic',
    'mockUpstream.row.capacity': 'Capacity and latency',
    'mockUpstream.row.scenario': 'Scenario',
    'mockUpstream.servedPerNode.title': 'Served per node',
    'mockUpstream.servedPerNode.description':
      'Requests each mock node answered per second, whatever the status.',
    'mockUpstream.byStatus.title': 'Answers by status',
    'mockUpstream.byStatus.description': 'Answers per second across the nodes, stacked by HTTP status.',
    'mockUpstream.faults.title': 'Injected faults by kind',
    'mockUpstream.faults.description':
      'Faults the mock injected per second (errors, holds, slow tokens, cut streams), by kind.',
    'mockUpstream.refused.title': 'Refused by busy rules',
    'mockUpstream.refused.description': 'Concurrency, RPM and TPM limits (429) and capacity (503), by rule.',
    'mockUpstream.accountConcurrency.title': 'Account concurrency vs limit',
    'mockUpstream.accountConcurrency.description':
      'Requests in flight per account and group against the concurrency limit the mock enforces.',
    'mockUpstream.nodeLoad.title': 'Node load: in flight, queued, held vs capacity',
    'mockUpstream.nodeLoad.description':
      "Per node: answers being generated, requests waiting for a slot, connections held open, and the node's capacity.",
    'mockUpstream.ttft.title': 'Time to first token (mock)',
    'mockUpstream.ttft.description':
      'p50 and p99 of the time the mock took to send the first token, from its own histogram.',
    'mockUpstream.tokens.title': 'Tokens served',
    'mockUpstream.tokens.description': 'Tokens per second the mock generated, stacked by kind.',
    'mockUpstream.scenarioPhase.title': 'Scenario phase',
    'mockUpstream.scenarioPhase.description': 'Which phase of its scenario the mock is playing.',
    'mockUpstream.faultPhase.title': 'Fault phase playing',
    'mockUpstream.faultPhase.description': '1 while a fault phase of the scenario plays.',
    'mockUpstream.targetsUp.title': 'Scrape targets up',
    'mockUpstream.targetsUp.description':
      '1 while Prometheus reaches the target (mock nodes, collector, strategy).',

    'sloAlerts.title': 'busybench / SLO and alerts',
    'sloAlerts.description':
      "The availability SLO (success >= 99.95 %) from the hand-written recording rules (busybench:client_error_ratio:*): its burn rate at the page windows, SRE workbook and compressed, the 30-day error budget, and the alerts. The burn-rate alerts that fire are Sloth's, BusybenchAvailabilityBudgetBurn and BusybenchAvailabilityBudgetBurnCompressed; every SLO is on the SLO dashboard.",
    'sloAlerts.row.burnRates': 'Burn rates and budget',
    'sloAlerts.row.alerts': 'Alerts',
    'sloAlerts.burnCompressed.title': 'Burn rate, compressed windows (benchmark)',
    'sloAlerts.burnCompressed.description':
      "Availability burn rate (error ratio / error budget) from the hand-written recording rules busybench:client_error_ratio:rate5s, 30s, 1m and 6m: the page windows compressed 60x for benchmark runs. The alert that fires is Sloth's BusybenchAvailabilityBudgetBurnCompressed (page: 5s and 1m above 14.4x, or 30s and 6m above 6x). Every SLO: the SLO dashboard.",
    'sloAlerts.burnSre.title': 'Burn rate, SRE workbook windows',
    'sloAlerts.burnSre.description':
      "Availability burn rate (error ratio / error budget) from the hand-written recording rules busybench:client_error_ratio:rate5m, 30m, 1h and 6h: the SRE workbook's page windows. The alert that fires is Sloth's BusybenchAvailabilityBudgetBurn (page: 5m and 1h above 14.4x, or 30m and 6h above 6x; ticket: 2h and 1d above 3x, or 6h and 3d above 1x, windows not all drawn here). Every SLO: the SLO dashboard.",
    'sloAlerts.budgetLeft.title': 'Error budget left (30 days)',
    'sloAlerts.budgetLeft.description': "Share of the success SLO's 30-day error budget not yet spent.",
    'sloAlerts.success1m.title': 'Success ratio (1 m)',
    'sloAlerts.success1m.description':
      'One minus the error ratio over the last minute, against the 99.95 % objective.',
    'sloAlerts.alertsFiring.title': 'Alerts firing',
    'sloAlerts.alertsFiring.description': 'Alerts Prometheus has firing, by name.',
    'sloAlerts.alertsNow.title': 'Alerts now',
    'sloAlerts.alertsNow.description':
      'Every alert Prometheus holds now, pending or firing, with its labels.',
    'sloAlerts.notifications.title': "Notifications the collector's webhook received",
    'sloAlerts.notifications.description':
      'Notifications Alertmanager delivered to the collector, by alert and status (firing or resolved).',

    'slo.title': 'busybench / SLOs (Sloth)',
    'slo.description':
      "The SLOs of alerts/slos/busybench.sloth.yml, read from the recording rules Sloth generated: error budget left, burn rates per window, and the client's LLM signals behind them (time to first token, gaps between tokens, output speed, whole streams).",
    'slo.row.budget': 'Error budget',
    'slo.row.burn': 'Burn rates',
    'slo.row.ttft': 'Time to first token and streaming',
    'slo.row.streams': 'Whole streams',
    'slo.budgetLeft.title': 'Error budget left per SLO',
    'slo.budgetLeft.description':
      "Share of each SLO's error budget for its period not yet spent (Sloth's slo:period_error_budget_remaining:ratio; the compressed variant's period is 12 h). Below 0 the SLO is broken for the period.",
    'slo.objectives.title': 'Objectives',
    'slo.objectives.description': "Each SLO's objective (slo:objective:ratio).",
    'slo.budgetOverTime.title': 'Error budget left over time',
    'slo.budgetOverTime.description': "Each SLO's error budget left for its period, over time.",
    'slo.currentBurn.title': 'Current burn rate per SLO',
    'slo.currentBurn.description':
      'Error ratio in the shortest window over the error budget (slo:current_burn_rate:ratio): 1 spends the budget exactly over the period; the fast page fires from 14.4, the slow one from 6.',
    'slo.periodBurn.title': 'Burn rate over the SLO period',
    'slo.periodBurn.description':
      'Error ratio over the whole period over the error budget (slo:period_burn_rate:ratio); above 1 the period ends over budget.',
    'slo.burnByWindow.title': 'Burn rate by window: $sloth_slo',
    'slo.burnByWindow.description':
      'One line per Sloth window of this SLO: the error ratio in that window (slo:sli_error:ratio_rate<window>) over the error budget. A page needs a long and a short window above 14.4 (or 6) together. One panel per SLO selected.',
    'slo.ttftQuantiles.title': 'Time to first token (TTFT) p50 and p99',
    'slo.ttftQuantiles.description':
      "From the client's histogram of the time to the first token of streamed answers (busybench_client_ttft_seconds).",
    'slo.ttftUnder2s.title': 'First tokens within 2 s',
    'slo.ttftUnder2s.description':
      'Share of streamed answers whose first token came within 2 s: the TTFT SLI, an exact bucket ratio (le="2").',
    'slo.interToken.title': 'Gap between tokens p50 and p99',
    'slo.interToken.description':
      'Gaps between the token frames of streamed answers (busybench_client_inter_token_seconds): a stall mid-stream shows here, not in TTFT.',
    'slo.outputSpeed.title': 'Output speed (tokens per second)',
    'slo.outputSpeed.description':
      "Each successful answer's output tokens over its whole time (busybench_client_output_tokens_per_second): the median and the slowest 10 %.",
    'slo.cutShort.title': 'Answers cut short',
    'slo.cutShort.description':
      'Share of requests whose answer was cut short (outcome truncated): the whole-streams SLI.',
    'slo.wholeRun.title': 'Whole answers (run)',
    'slo.wholeRun.description': "Share of the run's requests whose answer was not cut short.",

    'strategyComparison.title': 'busybench / Strategy comparison',
    'strategyComparison.description':
      "One series per strategy of a compare run (the collector's strategy label): success, latency, goodput, time to first token, load, errors and amplification side by side.",
    'strategyComparison.row.outcome': 'Success and latency',
    'strategyComparison.row.load': 'Load and goodput',
    'strategyComparison.row.errors': 'First token and errors',
    'strategyComparison.row.kpis': 'Resilience',
    'strategyComparison.row.summary': 'Over the selected time range',
    'strategyComparison.success.title': 'Success ratio per strategy',
    'strategyComparison.success.description':
      'Requests answered whole and real (outcome ok) over all requests, per strategy.',
    'strategyComparison.p99.title': 'p99 latency per strategy',
    'strategyComparison.p99.description':
      'End-to-end p99 from the latency histogram buckets, per strategy (log scale).',
    'strategyComparison.rps.title': 'Achieved vs target req/s per strategy',
    'strategyComparison.rps.description':
      'Requests completed per second against the rate the running step asks for; a gap means the strategy (or the load generator) fell behind.',
    'strategyComparison.goodput.title': 'Goodput per strategy (best step so far)',
    'strategyComparison.goodput.description':
      "Successful responses within the SLA latency per second, of each strategy's best step so far: the scoreboard's peak goodput.",
    'strategyComparison.ttftP99.title': 'TTFT p99 per strategy',
    'strategyComparison.ttftP99.description':
      'p99 of the time to the first token of streamed answers, per strategy.',
    'strategyComparison.errorsByClass.title': 'Errors by class per strategy',
    'strategyComparison.errorsByClass.description': 'Failed requests per second, per strategy and outcome.',
    'strategyComparison.amplification.title': 'Amplification per strategy (worst step)',
    'strategyComparison.amplification.description':
      "Upstream attempts per request sent, the highest of the strategy's steps so far (retry storm when >> 1).",
    'strategyComparison.successRange.title': 'Success ratio',
    'strategyComparison.successRange.description':
      "Each strategy's requests answered whole and real over all its requests, in the dashboard's time range.",
    'strategyComparison.p99Range.title': 'p99 latency',
    'strategyComparison.p99Range.description':
      "Each strategy's end-to-end p99 over the dashboard's time range, from the histogram buckets.",
    'strategyComparison.peakGoodput.title': 'Peak goodput',
    'strategyComparison.peakGoodput.description':
      "Each strategy's best step goodput in the dashboard's time range (successful responses within the SLA latency per second).",
  },
  'zh-CN': {
    'common.variable.datasource': 'Prometheus 数据源',
    'common.variable.run': '运行',
    'common.variable.strategy': '策略',
    'common.variable.compare': '对比运行',
    'common.variable.experiment': '实验',
    'common.variable.sloService': 'SLO 服务',
    'common.variable.slo': 'SLO 名称',
    'common.annotation.alertsFiring': '触发中的告警',

    'legend.target': '目标',
    'legend.achieved': '实际完成',
    'legend.succeeded': '成功',
    'legend.step': '步骤 {{step}}',
    'legend.achievedStep': '实际，步骤 {{step}}',
    'legend.targetStep': '目标，步骤 {{step}}',
    'legend.slaLine': 'SLA 线',
    'legend.inFlightAccount': '处理中 {{account}}/{{group}}',
    'legend.limitAccount': '上限 {{account}}/{{group}}',
    'legend.inFlightNode': '处理中 {{node}}',
    'legend.queuedNode': '排队 {{node}}',
    'legend.heldNode': '挂起 {{node}}',
    'legend.capacityNode': '容量 {{node}}',
    'legend.fault': '故障',
    'legend.success': '成功率',
    'legend.slowest10': 'p10（最慢的 10%）',
    'legend.strategyAchieved': '{{strategy}} 实际',
    'legend.strategyTarget': '{{strategy}} 目标',

    'steppedStress.title': 'busybench / 阶梯压测',
    'steppedStress.description':
      '压测端视角下的一次压力测试：负载、延迟、错误、每个步骤的 SLA 以及韧性指标。',
    'steppedStress.row.load': '负载与延迟',
    'steppedStress.row.errors': '错误',
    'steppedStress.row.perStep': '各步骤指标',
    'steppedStress.row.kpis': '韧性指标',
    'steppedStress.targetVsAchieved.title': '每秒请求数：目标与实际',
    'steppedStress.targetVsAchieved.description':
      '当前步骤的目标到达速率与压测端实际完成速率的对比；两者出现差距，说明压测端或被测系统跟不上了。',
    'steppedStress.latency.title': '延迟分位数',
    'steppedStress.latency.description': '由延迟直方图桶计算的端到端延迟 p50、p90 和 p99（对数坐标）。',
    'steppedStress.currentStep.title': '当前步骤',
    'steppedStress.currentStep.description': '最新一个请求所在的步骤。',
    'steppedStress.sla.title': 'SLA 状态',
    'steppedStress.sla.description': '1：到目前为止每个步骤都满足全部 SLA 条款；0：有条款被打破。',
    'steppedStress.knee.title': '拐点（req/s）',
    'steppedStress.knee.description': '拐点的目标速率：第一个违反 SLA 条款的步骤之前的最后一个步骤。',
    'steppedStress.dropped.title': '丢弃的请求',
    'steppedStress.dropped.description':
      '压测端没有发出的请求（节奏跟不上或达到了并发上限）；大于 0 时，各项数字低估了实际负载。',
    'steppedStress.alertsReceived.title': '收到的告警',
    'steppedStress.alertsReceived.description':
      '运行期间，采集器的 webhook 从 Alertmanager 收到的触发通知数。',
    'steppedStress.successRun.title': '成功率（整次运行）',
    'steppedStress.successRun.description':
      '整次运行中得到完整、真实回答（outcome 为 ok）的请求占比；SLO 线为 99.95%。',
    'steppedStress.errorsByClass.title': '按类别的错误',
    'steppedStress.errorsByClass.description':
      '每秒失败请求数，按结果类别堆叠（429、503、超时、流被截断等）。',
    'steppedStress.heatmap.title': '延迟热力图',
    'steppedStress.heatmap.description': '各时间段内落入每个延迟桶的请求数。',
    'steppedStress.successPerStep.title': '各步骤成功率',
    'steppedStress.successPerStep.description': '每个步骤中返回 2xx 且回答完整的请求占比。',
    'steppedStress.p99PerStep.title': '各步骤 p99（HDR 精确值）',
    'steppedStress.p99PerStep.description': '采集器用 HDR 直方图算出的各步骤精确 p99 延迟；SLA 线为 800 ms。',
    'steppedStress.meanPerStep.title': '各步骤平均延迟',
    'steppedStress.meanPerStep.description':
      '每个步骤的端到端平均延迟；SLA 有 avg 线时一并画出（即指南中“平均延迟 > 800 ms”的告警）。',
    'steppedStress.queuePerStep.title': '策略队列：各步骤峰值',
    'steppedStress.queuePerStep.description':
      '策略自身队列在每个步骤中的最高值（busybench_strategy_queue_length，采集器每秒抓取一次）；SLA 有队列线时一并画出。经 nginx 或 HAProxy 时无数据：它们不导出我们的队列指标。',
    'steppedStress.goodputPerStep.title': '各步骤有效吞吐',
    'steppedStress.goodputPerStep.description': '每秒在 SLA 延迟以内成功返回的回答数。',
    'steppedStress.achievedPerStep.title': '各步骤实际与目标速率',
    'steppedStress.achievedPerStep.description': '每个步骤实际完成的每秒请求数，与该步骤目标速率的对比。',
    'steppedStress.amplification.title': '各步骤放大系数',
    'steppedStress.amplification.description': '每个发出的请求对应的上游尝试次数（远大于 1 即为重试风暴）。',
    'steppedStress.masking.title': '各步骤错误屏蔽率',
    'steppedStress.masking.description': '上游错误率中被策略挡住、没有传到客户端的比例。',
    'steppedStress.recovery.title': '故障阶段后的恢复时间',
    'steppedStress.recovery.description': '从每个故障阶段结束，到错误率和延迟重新回到 SLA 以内所用的时间。',
    'steppedStress.row.users': '用户之间的公平性',
    'steppedStress.users.title': '用户数',
    'steppedStress.users.description': '请求携带的不同 user_id 的数量（load --users，或带用户的轨迹）。',
    'steppedStress.usersWorstSuccess.title': '最差 1% 用户的成功率',
    'steppedStress.usersWorstSuccess.description':
      '按成功率排序，最差的 1% 用户（至少一个）的成功率：被单用户并发上限卡住的重度用户，或被其挤占的其他用户，会最先在这里显现。',
    'steppedStress.usersJain.title': '用户间 Jain 公平指数',
    'steppedStress.usersJain.description':
      '各用户有效吞吐占比（每个用户的有效回答数除以其请求数）的 Jain 公平指数：所有用户占比相同时为 1，一个用户独占时为 1/n。',

    'mockUpstream.title': 'busybench / 模拟上游',
    'mockUpstream.description':
      '每个模拟节点的真实数据：已处理请求、注入的故障、并发与限额、挂起的连接、token。',
    'mockUpstream.row.traffic': '流量',
    'mockUpstream.row.capacity': '容量与延迟',
    'mockUpstream.row.scenario': '场景',
    'mockUpstream.servedPerNode.title': '各节点处理量',
    'mockUpstream.servedPerNode.description': '每个模拟节点每秒回答的请求数（不论状态码）。',
    'mockUpstream.byStatus.title': '按状态码的回答',
    'mockUpstream.byStatus.description': '所有节点每秒的回答数，按 HTTP 状态码堆叠。',
    'mockUpstream.faults.title': '按类型的注入故障',
    'mockUpstream.faults.description': '模拟器每秒注入的故障（错误、挂起、慢 token、流截断），按类型划分。',
    'mockUpstream.refused.title': '被繁忙规则拒绝',
    'mockUpstream.refused.description': '按规则划分：并发、RPM、TPM 限额（429）以及容量（503）。',
    'mockUpstream.accountConcurrency.title': '账户并发与上限',
    'mockUpstream.accountConcurrency.description': '各账户与分组正在处理的请求数，对比模拟器执行的并发上限。',
    'mockUpstream.nodeLoad.title': '节点负载：处理中、排队、挂起与容量',
    'mockUpstream.nodeLoad.description':
      '每个节点正在生成的回答、等待空位的请求、保持打开的连接，以及节点容量。',
    'mockUpstream.ttft.title': '模拟器首字延迟（TTFT）',
    'mockUpstream.ttft.description': '模拟器发出首个 token 所用时间的 p50 与 p99，来自模拟器自己的直方图。',
    'mockUpstream.tokens.title': '输出的 token',
    'mockUpstream.tokens.description': '模拟器每秒生成的 token 数，按类型堆叠。',
    'mockUpstream.scenarioPhase.title': '场景阶段',
    'mockUpstream.scenarioPhase.description': '模拟器当前正在执行的场景阶段。',
    'mockUpstream.faultPhase.title': '故障阶段进行中',
    'mockUpstream.faultPhase.description': '场景处于故障阶段时为 1。',
    'mockUpstream.targetsUp.title': '抓取目标在线状态',
    'mockUpstream.targetsUp.description': 'Prometheus 能抓取到目标（模拟节点、采集器、策略）时为 1。',

    'sloAlerts.title': 'busybench / SLO 与告警',
    'sloAlerts.description':
      '可用性 SLO（成功率 >= 99.95%），数据取自手写的记录规则（busybench:client_error_ratio:*）：紧急告警各窗口（SRE 工作手册窗口与压缩窗口）下的燃烧率、30 天错误预算，以及告警。真正触发的燃烧率告警是 Sloth 生成的 BusybenchAvailabilityBudgetBurn 和 BusybenchAvailabilityBudgetBurnCompressed；全部 SLO 见 SLO 仪表盘。',
    'sloAlerts.row.burnRates': '燃烧率与错误预算',
    'sloAlerts.row.alerts': '告警',
    'sloAlerts.burnCompressed.title': '燃烧率：压缩窗口（基准测试）',
    'sloAlerts.burnCompressed.description':
      '可用性燃烧率（错误率 ÷ 错误预算），取自手写的记录规则 busybench:client_error_ratio:rate5s、30s、1m、6m：即为基准测试压缩 60 倍的紧急告警窗口。真正触发的告警是 Sloth 生成的 BusybenchAvailabilityBudgetBurnCompressed（紧急：5s 与 1m 都超过 14.4 倍，或 30s 与 6m 都超过 6 倍）。全部 SLO 见 SLO 仪表盘。',
    'sloAlerts.burnSre.title': '燃烧率：SRE 工作手册窗口',
    'sloAlerts.burnSre.description':
      '可用性燃烧率（错误率 ÷ 错误预算），取自手写的记录规则 busybench:client_error_ratio:rate5m、30m、1h、6h：即 SRE 工作手册的紧急告警窗口。真正触发的告警是 Sloth 生成的 BusybenchAvailabilityBudgetBurn（紧急：5m 与 1h 都超过 14.4 倍，或 30m 与 6h 都超过 6 倍；工单：2h 与 1d 都超过 3 倍，或 6h 与 3d 都超过 1 倍，这些窗口本面板没有全部画出）。全部 SLO 见 SLO 仪表盘。',
    'sloAlerts.budgetLeft.title': '剩余错误预算（30 天）',
    'sloAlerts.budgetLeft.description': '成功率 SLO 的 30 天错误预算中尚未消耗的比例。',
    'sloAlerts.success1m.title': '成功率（1 分钟）',
    'sloAlerts.success1m.description': '1 减去最近 1 分钟的错误率，对照 99.95% 的目标。',
    'sloAlerts.alertsFiring.title': '触发中的告警',
    'sloAlerts.alertsFiring.description': 'Prometheus 当前触发中的告警，按名称统计。',
    'sloAlerts.alertsNow.title': '当前告警',
    'sloAlerts.alertsNow.description': 'Prometheus 当前持有的全部告警（待定或触发中）及其标签。',
    'sloAlerts.notifications.title': '采集器 webhook 收到的通知',
    'sloAlerts.notifications.description':
      'Alertmanager 投递给采集器的通知，按告警名称和状态（触发或恢复）划分。',

    'slo.title': 'busybench / SLO（Sloth 生成）',
    'slo.description':
      '来自 alerts/slos/busybench.sloth.yml 的 SLO，数据取自 Sloth 生成的记录规则：剩余错误预算、各窗口的燃烧率，以及背后的客户端 LLM 信号（首字延迟、token 间隔、输出速度、完整流）。',
    'slo.row.budget': '错误预算',
    'slo.row.burn': '燃烧率',
    'slo.row.ttft': '首字延迟与流式输出',
    'slo.row.streams': '完整流',
    'slo.budgetLeft.title': '各 SLO 剩余错误预算',
    'slo.budgetLeft.description':
      '各 SLO 在其周期内尚未消耗的错误预算比例（Sloth 的 slo:period_error_budget_remaining:ratio；压缩版本的周期为 12 小时）。低于 0 表示本周期内该 SLO 已被打破。',
    'slo.objectives.title': '目标值',
    'slo.objectives.description': '各 SLO 的目标值（slo:objective:ratio）。',
    'slo.budgetOverTime.title': '剩余错误预算趋势',
    'slo.budgetOverTime.description': '各 SLO 本周期剩余错误预算随时间的变化。',
    'slo.currentBurn.title': '各 SLO 当前燃烧率',
    'slo.currentBurn.description':
      '最短窗口内的错误率除以错误预算（slo:current_burn_rate:ratio）：1 表示恰好在周期结束时耗尽预算；快速紧急告警从 14.4 起触发，慢速从 6 起触发。',
    'slo.periodBurn.title': 'SLO 周期燃烧率',
    'slo.periodBurn.description':
      '整个周期内的错误率除以错误预算（slo:period_burn_rate:ratio）；高于 1 表示本周期结束时将超出预算。',
    'slo.burnByWindow.title': '各窗口燃烧率：$sloth_slo',
    'slo.burnByWindow.description':
      '该 SLO 在 Sloth 每个窗口下一条线：该窗口内的错误率（slo:sli_error:ratio_rate<窗口>）除以错误预算。长窗口与短窗口同时超过 14.4（或 6）才会发出紧急告警。每个选中的 SLO 一个面板。',
    'slo.ttftQuantiles.title': '首字延迟（TTFT） p50 与 p99',
    'slo.ttftQuantiles.description':
      '来自客户端流式回答首个 token 到达时间的直方图（busybench_client_ttft_seconds）。',
    'slo.ttftUnder2s.title': '2 秒内到达的首字占比',
    'slo.ttftUnder2s.description':
      '首个 token 在 2 秒内到达的流式回答占比：即 TTFT SLI，由直方图桶精确计算（le="2"）。',
    'slo.interToken.title': 'token 间隔 p50 与 p99',
    'slo.interToken.description':
      '流式回答中相邻 token 帧之间的间隔（busybench_client_inter_token_seconds）：流中途卡顿会体现在这里，而不是 TTFT。',
    'slo.outputSpeed.title': '输出速度（token/秒）',
    'slo.outputSpeed.description':
      '每个成功回答的输出 token 数除以其总耗时（busybench_client_output_tokens_per_second）：中位数与最慢的 10%。',
    'slo.cutShort.title': '被截断的回答',
    'slo.cutShort.description': '回答被截断（outcome 为 truncated）的请求占比：即完整流 SLI。',
    'slo.wholeRun.title': '完整回答占比（整次运行）',
    'slo.wholeRun.description': '整次运行中回答没有被截断的请求占比。',

    'strategyComparison.title': 'busybench / 策略对比',
    'strategyComparison.description':
      '对比运行中每个策略一条曲线（按采集器的 strategy 标签）：成功率、延迟、有效吞吐、首字延迟、负载、错误和放大系数并排比较。',
    'strategyComparison.row.outcome': '成功率与延迟',
    'strategyComparison.row.load': '负载与有效吞吐',
    'strategyComparison.row.errors': '首字延迟与错误',
    'strategyComparison.row.kpis': '韧性',
    'strategyComparison.row.summary': '所选时间范围汇总',
    'strategyComparison.success.title': '各策略成功率',
    'strategyComparison.success.description':
      '每个策略得到完整、真实回答（outcome 为 ok）的请求占全部请求的比例。',
    'strategyComparison.p99.title': '各策略 p99 延迟',
    'strategyComparison.p99.description': '由延迟直方图桶计算的各策略端到端 p99（对数坐标）。',
    'strategyComparison.rps.title': '各策略实际与目标请求速率',
    'strategyComparison.rps.description':
      '每秒完成的请求数与当前步骤目标速率的对比；出现差距，说明策略（或压测端）跟不上了。',
    'strategyComparison.goodput.title': '各策略有效吞吐（迄今最佳步骤）',
    'strategyComparison.goodput.description':
      '每秒在 SLA 延迟以内成功返回的回答数，取各策略迄今表现最好的步骤：即记分板上的峰值有效吞吐。',
    'strategyComparison.ttftP99.title': '各策略首字延迟（TTFT） p99',
    'strategyComparison.ttftP99.description': '各策略流式回答首个 token 到达时间的 p99。',
    'strategyComparison.errorsByClass.title': '各策略按类别的错误',
    'strategyComparison.errorsByClass.description': '每秒失败请求数，按策略和结果类别划分。',
    'strategyComparison.amplification.title': '各策略放大系数（最差步骤）',
    'strategyComparison.amplification.description':
      '每个发出的请求对应的上游尝试次数，取该策略迄今最高的步骤（远大于 1 即为重试风暴）。',
    'strategyComparison.successRange.title': '成功率',
    'strategyComparison.successRange.description':
      '在仪表盘所选时间范围内，各策略得到完整、真实回答的请求占比。',
    'strategyComparison.p99Range.title': 'p99 延迟',
    'strategyComparison.p99Range.description': '在仪表盘所选时间范围内，由直方图桶计算的各策略端到端 p99。',
    'strategyComparison.peakGoodput.title': '峰值有效吞吐',
    'strategyComparison.peakGoodput.description':
      '在仪表盘所选时间范围内，各策略表现最好的步骤的有效吞吐（每秒在 SLA 延迟以内成功返回的回答数）。',
  },
});

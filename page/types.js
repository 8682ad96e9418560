/**
 * The shapes the page reads from the API (docs/api.md), as JSDoc types: this module holds
 * types only (`@import` them).
 *
 * @import { RunStatus, NodeStatus } from './contract.js'
 *
 * @typedef {object} ErrorInfo
 * @property {string} type
 * @property {string} message
 * @property {boolean} non_retryable
 * @property {number} [retry_after_ms]
 * @property {unknown} [details]
 *
 * @typedef {object} NodeCounts
 * @property {number} total
 * @property {number} succeeded
 * @property {number} running
 * @property {number} failed
 * @property {number} waiting
 * @property {number} other
 *
 * @typedef {object} RunSummary
 * @property {string} id
 * @property {string} pipeline
 * @property {RunStatus} status
 * @property {string} trigger
 * @property {string} repo
 * @property {string | null} sha
 * @property {number | null} pr
 * @property {number} attempt
 * @property {string | null} parent_run_id
 * @property {string | null} parent_node_id
 * @property {string} created_at
 * @property {string | null} started_at
 * @property {string | null} finished_at
 * @property {number | null} duration_ms
 * @property {ErrorInfo | null} error
 * @property {NodeCounts} nodes
 *
 * @typedef {object} RunList
 * @property {RunSummary[]} runs
 * @property {string | null} next_cursor
 *
 * @typedef {object} Attempt
 * @property {number} attempt
 * @property {string} status
 * @property {string} worker
 * @property {string} started_at
 * @property {string | null} finished_at
 * @property {string | null} heartbeat_at
 * @property {ErrorInfo | null} error
 *
 * @typedef {object} RunNode
 * @property {string} id
 * @property {string} job
 * @property {string} name
 * @property {Record<string, unknown> | null} matrix
 * @property {string[]} needs
 * @property {'activity' | 'timer' | 'signal' | 'poll'} kind
 * @property {string | null} handler
 * @property {boolean} polls
 * @property {string | null} report
 * @property {NodeStatus} status
 * @property {number} attempt
 * @property {number} failures
 * @property {unknown} input
 * @property {unknown} output
 * @property {ErrorInfo | null} error
 * @property {unknown} heartbeat_details
 * @property {string | null} scheduled_at
 * @property {string | null} started_at
 * @property {string | null} finished_at
 * @property {number | null} duration_ms
 * @property {Attempt[]} attempts
 * @property {string[]} children
 *
 * @typedef {object} ChildRun
 * @property {string} id
 * @property {string} node_id
 * @property {RunStatus} status
 * @property {string} created_at
 * @property {string | null} finished_at
 * @property {number} polls poll calls that answered in it
 *
 * @typedef {object} RunEvent the normalized forge event, without its raw payload
 * @property {string} forge
 * @property {string} kind
 * @property {string | null} action
 * @property {{ full_name: string, html_url: string | null }} repo
 * @property {string | null} sha
 * @property {string | null} ref
 * @property {string | null} branch
 * @property {string | null} tag
 * @property {{ number: number, title: string, url: string | null, author: string | null, head_ref: string | null } | null} pr
 * @property {{ body: string, author: string, url: string | null } | null} comment
 * @property {{ tag: string, name: string | null, url: string | null } | null} release
 * @property {{ login: string }} sender
 *
 * @typedef {RunSummary & {
 *   stopping: string | null,
 *   concurrency_group: string | null,
 *   history_length: number,
 *   deadline_at: string | null,
 *   event: RunEvent,
 *   parent: { run_id: string, node_id: string } | null,
 *   children: ChildRun[],
 *   node_list: RunNode[],
 *   inputs?: Record<string, string | number | boolean | null> | null,
 * }} RunDetail
 *
 * @typedef {object} DeclaredInput an input of `on.manual.inputs`, as POST /api/v1/validate answers it
 * @property {string} name
 * @property {'string' | 'number' | 'boolean' | 'choice'} type
 * @property {boolean} required
 * @property {string | number | boolean | null} default
 * @property {string[] | null} options
 * @property {string | null} description
 *
 * @typedef {object} Validation
 * @property {boolean} valid
 * @property {{ line: number, column: number, message: string, rule: string, severity: string }[]} diagnostics
 * @property {DeclaredInput[]} [inputs]
 *
 * @typedef {object} HistoryEvent
 * @property {number} seq
 * @property {string} type
 * @property {string | null} node_id
 * @property {number | null} attempt
 * @property {string} at
 * @property {Record<string, unknown> | null} data
 *
 * @typedef {object} HistoryPage
 * @property {HistoryEvent[]} events
 * @property {number | null} next_after
 *
 * @typedef {object} GraphNodeSpec a node of the compiled graph
 * @property {string} id
 * @property {string} job
 * @property {string} name
 * @property {Record<string, unknown> | null} matrix
 * @property {string[]} needs
 * @property {string} if
 * @property {{ kind: string, handler?: string, signal?: string, duration_ms?: number, timeout_ms?: number | null, poll?: { handler: string, every_ms: number, until: string, signal?: string | null } | null }} action
 * @property {{ maximum_attempts: number, initial_interval_ms: number, backoff_coefficient: number, maximum_interval_ms: number, non_retryable_errors: string[] }} retry
 * @property {{ attempt_ms: number | null, queue_ms: number | null, deadline_ms: number | null, heartbeat_ms: number | null }} timeouts
 * @property {string | null} report
 *
 * @typedef {object} GraphSpec the compiled graph a run executes
 * @property {string} pipeline
 * @property {{ kind: string, file: string, sha256: string }} source
 * @property {{ name: string, forge: string, kind: string, action: string | null }} trigger
 * @property {1 | 2} format 2: a needs entry may name a whole matrix job; 1 also had `edges`
 * @property {GraphNodeSpec[]} nodes
 * @property {number | null} timeout_ms
 * @property {string} hash
 *
 * @typedef {object} Delivery
 * @property {string} id
 * @property {string} forge
 * @property {string} event
 * @property {string | null} action
 * @property {string | null} repo
 * @property {string | null} sha
 * @property {number | null} pr
 * @property {string | null} sender
 * @property {string} received_at
 * @property {string} outcome
 * @property {string | null} reason
 * @property {string | null} plan_run_id
 * @property {string[]} run_ids
 * @property {string | null} config_path
 * @property {string | null} config_sha
 * @property {unknown} diagnostics
 * @property {string} updated_at
 */

export {};

// kafkajs 2.2.4 against a running broker: admin, an idempotent producer, and reads of assigned partitions.
//
//   node kafkajs-check.js <host:port> <topic> [--group]
//
// Reads use kafkajs's own Fetch (its cluster/broker layer, on explicitly chosen partitions), because the
// kafkajs consumer API always joins a consumer group; --group also runs that consumer (needs the group
// coordinator) with two members. Prints one "ok ..." line per check and exits 0, or prints the failure and exits 1.
'use strict'

const assert = require('node:assert/strict')
const { Kafka, CompressionTypes, logLevel } = require('kafkajs')
const Cluster = require('kafkajs/src/cluster')
const { createLogger } = require('kafkajs/src/loggers')
const LoggerConsole = require('kafkajs/src/loggers/console')
const socketFactory = require('kafkajs/src/network/socketFactory')

const [bootstrap, topic] = process.argv.slice(2)
const withGroup = process.argv.includes('--group')
const PARTITIONS = 2
const PER_PARTITION = 25
const clientId = 'kelpie-kafkajs-it'
const kafka = new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.WARN, connectionTimeout: 10000 })

const expected = partition =>
  Array.from({ length: PER_PARTITION }, (_, i) => `p${partition}-m${i}`)

async function adminChecks(admin) {
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  })
  assert.equal(created, true, 'createTopics reports the topic as new')
  const again = await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
  assert.equal(again, false, 'a second createTopics is a no-op')
  const topics = await admin.listTopics()
  assert.ok(topics.includes(topic), `listTopics includes ${topic}: ${topics}`)
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: [topic] })
  assert.equal(meta[0].partitions.length, PARTITIONS)
  for (const p of meta[0].partitions) {
    assert.deepEqual(p.replicas, [p.leader], `partition ${p.partitionId} has its leader as only replica`)
  }
  console.log(`ok admin: created ${topic} with ${PARTITIONS} partitions; listTopics includes it`)
}

async function produce() {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const values = expected(partition)
    const half = Math.floor(values.length / 2)
    // one plain batch and one gzip batch per partition
    for (const [compression, slice] of [
      [CompressionTypes.None, values.slice(0, half)],
      [CompressionTypes.GZIP, values.slice(half)],
    ]) {
      const res = await producer.send({
        topic,
        acks: -1,
        compression,
        messages: slice.map(value => ({ key: `k-${value}`, value, partition })),
      })
      assert.equal(res[0].errorCode, 0)
    }
  }
  await producer.disconnect()
  console.log(`ok producer: idempotent, ${PARTITIONS * PER_PARTITION} records acknowledged with acks=-1`)
}

async function offsets(admin) {
  const offs = await admin.fetchTopicOffsets(topic)
  const sorted = offs.sort((a, b) => a.partition - b.partition)
  for (const o of sorted) {
    assert.equal(o.low, '0')
    assert.equal(o.high, String(PER_PARTITION))
  }
  console.log(`ok offsets: ${sorted.map(o => `p${o.partition}=${o.low}..${o.high}`).join(' ')}`)
}

async function fetchAssigned() {
  const cluster = new Cluster({
    logger: createLogger({ level: logLevel.WARN, logCreator: LoggerConsole }),
    socketFactory: socketFactory(),
    brokers: [bootstrap],
    clientId,
    connectionTimeout: 10000,
    requestTimeout: 30000,
  })
  await cluster.connect()
  try {
    await cluster.addTargetTopic(topic)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const leaders = cluster.findLeaderForPartitions(topic, [partition])
      const broker = await cluster.findBroker({ nodeId: Object.keys(leaders)[0] })
      const values = []
      while (values.length < PER_PARTITION) {
        const res = await broker.fetch({
          maxWaitTime: 100,
          topics: [{ topic, partitions: [{ partition, fetchOffset: String(values.length), maxBytes: 1048576 }] }],
        })
        const p = res.responses[0].partitions[0]
        assert.equal(p.errorCode, 0)
        assert.equal(p.highWatermark, String(PER_PARTITION))
        for (const m of p.messages) {
          if (Number(m.offset) === values.length) {
            assert.equal(m.key.toString(), `k-${m.value.toString()}`)
            values.push(m.value.toString())
          }
        }
      }
      assert.deepEqual(values, expected(partition))
    }
  } finally {
    await cluster.disconnect()
  }
  console.log(`ok fetch: read ${PARTITIONS * PER_PARTITION} records back from assigned partitions, in order`)
}

// Two members of one group on a two-partition topic: once both have joined (each owning one partition), records
// produced to both partitions reach the member that owns each partition; offsets are committed for the group.
async function consumeWithGroup(admin) {
  const groupTopic = `${topic}-group`
  const groupId = `${clientId}-group`
  await admin.createTopics({ topics: [{ topic: groupTopic, numPartitions: PARTITIONS }], waitForLeaders: true })
  const members = [0, 1].map(() => ({
    consumer: kafka.consumer({ groupId, heartbeatInterval: 500, sessionTimeout: 10000 }),
    assigned: [],
    seen: [],
  }))
  for (const m of members) {
    m.consumer.on(m.consumer.events.GROUP_JOIN, e => {
      m.assigned = (e.payload.memberAssignment[groupTopic] || []).slice().sort()
    })
    await m.consumer.connect()
    await m.consumer.subscribe({ topic: groupTopic, fromBeginning: true })
    await m.consumer.run({
      eachMessage: async ({ partition, message }) => {
        m.seen.push(`${partition}:${message.value.toString()}`)
      },
    })
  }
  await waitFor(() => members.every(m => m.assigned.length === 1) &&
    members[0].assigned[0] !== members[1].assigned[0], 'both members own one partition')
  const producer = kafka.producer()
  await producer.connect()
  for (let partition = 0; partition < PARTITIONS; partition++) {
    await producer.send({
      topic: groupTopic,
      messages: expected(partition).map(value => ({ value, partition })),
    })
  }
  await producer.disconnect()
  await waitFor(() => members.reduce((n, m) => n + m.seen.length, 0) === PARTITIONS * PER_PARTITION,
    'every record consumed')
  for (const m of members) {
    const partition = m.assigned[0]
    assert.deepEqual(m.seen, expected(partition).map(v => `${partition}:${v}`))
    await m.consumer.disconnect()
  }
  const committed = await admin.fetchOffsets({ groupId, topics: [groupTopic] })
  const offsets = committed[0].partitions.sort((a, b) => a.partition - b.partition).map(p => p.offset)
  assert.deepEqual(offsets, [String(PER_PARTITION), String(PER_PARTITION)])
  console.log(`ok consumer group: 2 members, one partition each, ${PARTITIONS * PER_PARTITION} records, ` +
    `committed ${offsets.join('/')}`)
}

async function waitFor(condition, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function main() {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await adminChecks(admin)
    await produce()
    await offsets(admin)
    await fetchAssigned()
    if (withGroup) await consumeWithGroup(admin)
  } finally {
    await admin.disconnect()
  }
}

main().then(
  () => process.exit(0),
  err => {
    console.error(`FAILED: ${err && err.stack ? err.stack : err}`)
    process.exit(1)
  }
)

// kafkajs 2.2.4 against a running broker: admin, an idempotent producer, and reads of assigned partitions.
//
//   node kafkajs-check.js <host:port> <topic> [--group]
//
// Reads use kafkajs's own Fetch (its cluster/broker layer, on explicitly chosen partitions), because the
// kafkajs consumer API always joins a consumer group; --group also runs that consumer (needs the group
// coordinator). Prints one "ok ..." line per check and exits 0, or prints the failure and exits 1.
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

async function consumeWithGroup() {
  const consumer = kafka.consumer({ groupId: `${clientId}-${Date.now()}` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = new Map()
  let total = 0
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const list = seen.get(partition) || []
          list.push(message.value.toString())
          seen.set(partition, list)
          if (++total === PARTITIONS * PER_PARTITION) resolve()
        },
      })
      .catch(reject)
  })
  await consumer.disconnect()
  for (let partition = 0; partition < PARTITIONS; partition++) {
    assert.deepEqual(seen.get(partition), expected(partition))
  }
  console.log(`ok consumer group: consumed ${total} records`)
}

async function main() {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await adminChecks(admin)
    await produce()
    await offsets(admin)
  } finally {
    await admin.disconnect()
  }
  await fetchAssigned()
  if (withGroup) await consumeWithGroup()
}

main().then(
  () => process.exit(0),
  err => {
    console.error(`FAILED: ${err && err.stack ? err.stack : err}`)
    process.exit(1)
  }
)

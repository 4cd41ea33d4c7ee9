/**
 * JMH benchmarks of wal4j beside the disk's own limit and its peers.
 */
package org.wal4j.bench;

/**
 * Applying entries to relational databases over JDBC, and the DurableRepository DAO decorator.
 */
package org.wal4j.jdbc;

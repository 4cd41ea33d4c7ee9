package org.wal4j.spring.web;

import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.LaneKey;

/** A second critical DAO, in a namespace of its own, so that the meters show two namespaces. */
public interface NotesDao {
    /** Adds a note to an account. */
    @Critical(namespace = "notes")
    void note(@LaneKey String account, String text);
}

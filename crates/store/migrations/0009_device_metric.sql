-- A device's metrics, one sample per device and minute (its latest report
-- in that minute), kept for two days: the device page's chart of the day.
CREATE TABLE device_metric (
    device TEXT NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    minute_ms INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (device, minute_ms)
) STRICT, WITHOUT ROWID;

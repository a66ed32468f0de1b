-- A poison event is recorded once per consumer: a redelivery or a republish (the relay
-- republishes everything to a broker that lost its data) adds no row; the existing row
-- counts the failures and keeps the latest reason.
ALTER TABLE dead_letters
    ADD COLUMN failures integer NOT NULL DEFAULT 1,
    ADD COLUMN last_failed_at timestamptz NOT NULL DEFAULT now();

-- Rows already repeated fold into the first one of each event.
WITH firsts AS (
    SELECT consumer, event_id, min(id) AS id, count(*) AS failures, max(recorded_at) AS last
    FROM dead_letters WHERE event_id IS NOT NULL
    GROUP BY consumer, event_id HAVING count(*) > 1
)
UPDATE dead_letters AS d SET failures = f.failures, last_failed_at = f.last
FROM firsts AS f WHERE d.id = f.id;
DELETE FROM dead_letters AS d USING dead_letters AS first
WHERE d.event_id IS NOT NULL AND d.consumer = first.consumer
  AND d.event_id = first.event_id AND first.id < d.id;

CREATE UNIQUE INDEX dead_letters_once ON dead_letters (consumer, event_id);

-- A message that is not even an event (no id to go by) is recorded once by its bytes.
DELETE FROM dead_letters AS d USING dead_letters AS first
WHERE d.event_id IS NULL AND first.event_id IS NULL AND d.consumer = first.consumer
  AND sha256(d.message) = sha256(first.message) AND first.id < d.id;
CREATE UNIQUE INDEX dead_letters_once_unread ON dead_letters (consumer, sha256(message))
    WHERE event_id IS NULL;

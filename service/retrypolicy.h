// When the next attempt of a task comes, after a failure.
//
// Guarantees:
//   - RETRY_BACKOFF=fixed (the default): every retry waits exactly RESCHEDULE_INTERVAL.
//   - RETRY_BACKOFF=exponential: the task's n-th failure since it was queued (n from 1) waits
//     RESCHEDULE_INTERVAL x 2^(n-1), times a jitter factor from 0.8 to 1.2, and never more
//     than RETRY_MAX_INTERVAL.
//   - A receiver's Retry-After (429 or 503) moves the retry no sooner than it asks, but never
//     later than RETRY_MAX_INTERVAL from now, whichever backoff is set.
#pragma once

#include "settings.h"

#include <QByteArray>

#include <optional>

namespace hookme {

class RetryPolicy
{
public:
    explicit RetryPolicy(const Settings &settings);

    // The wait after the task's `failures`-th failure since it was queued (1 for the first).
    // `jitter` is a number from 0 to 1 (a random one in service; fixed in tests); it only
    // matters for the exponential backoff. `retryAfterMs` is what the receiver asked for.
    qint64 delayMs(int failures, double jitter, std::optional<qint64> retryAfterMs = {}) const;

    // Reads a Retry-After header value: delay-seconds ("120") or an HTTP date in the
    // IMF-fixdate form ("Wed, 21 Oct 2015 07:28:00 GMT") that RFC 9110 has senders use. The
    // wait from `nowMs`, never negative; nothing for a malformed value.
    // Known limitation: the obsolete RFC 850 and asctime date forms count as malformed.
    static std::optional<qint64> parseRetryAfter(const QByteArray &value, qint64 nowMs);

private:
    RetryBackoff m_backoff;
    qint64 m_intervalMs;
    qint64 m_maxIntervalMs;
};

} // namespace hookme

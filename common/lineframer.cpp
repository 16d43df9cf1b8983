#include "lineframer.h"

namespace hookme::monitor {

LineFramer::LineFramer(qsizetype maxLineBytes) : m_maxLineBytes(maxLineBytes) { }

void LineFramer::append(QByteArrayView bytes)
{
    if (m_tooLong)
        return;  // nothing after an oversized line is trusted; do not buffer it either

    // Drop the lines already returned before growing, so the buffer holds at most one
    // partial line plus the new bytes.
    if (m_start > 0) {
        m_buffer.remove(0, m_start);
        m_start = 0;
    }
    m_buffer.append(bytes);
}

LineFramer::Status LineFramer::next(QByteArray *line)
{
    if (m_tooLong)
        return Status::TooLong;

    const qsizetype end = m_buffer.indexOf('\n', m_start + m_scanned);
    if (end < 0) {
        m_scanned = m_buffer.size() - m_start;
        // A line without its '\n' that is already over the cap (and a '\r' it may end with)
        // can only get longer.
        if (m_scanned > m_maxLineBytes + 1) {
            m_tooLong = true;
            return Status::TooLong;
        }
        return Status::Incomplete;
    }

    qsizetype length = end - m_start;
    if (length > 0 && m_buffer.at(end - 1) == '\r')
        --length;
    if (length > m_maxLineBytes) {
        m_tooLong = true;
        return Status::TooLong;
    }
    *line = m_buffer.sliced(m_start, length);
    m_start = end + 1;
    m_scanned = 0;
    if (m_start == m_buffer.size()) {
        m_buffer.clear();
        m_start = 0;
    }
    return Status::Line;
}

void LineFramer::clear()
{
    m_buffer.clear();
    m_start = 0;
    m_scanned = 0;
    m_tooLong = false;
}

} // namespace hookme::monitor

// Splits a byte stream into '\n'-terminated lines, with a cap on the length of a line, so that
// a peer can neither make the reader buffer without bound nor pass off a truncated line as a
// whole one.
//
// Guarantees:
//   - next() returns the lines in order, each exactly as sent, without its '\n' (and without a
//     '\r' right before it), however the stream was cut into appended chunks;
//   - Incomplete means "no whole line yet, and nothing wrong so far": append more;
//   - TooLong means a line exceeds the cap, whether or not its '\n' has arrived yet. The
//     stream cannot be trusted past that point: the framer stays TooLong until clear();
//   - scanning is linear in the bytes appended, however small the chunks.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace hookme::monitor {

class LineFramer
{
public:
    enum class Status { Line, Incomplete, TooLong };

    explicit LineFramer(qsizetype maxLineBytes);

    void append(QByteArrayView bytes);
    // On Line, `line` holds the next line; otherwise it is left alone.
    Status next(QByteArray *line);

    qsizetype maxLineBytes() const { return m_maxLineBytes; }
    // Bytes appended and not yet returned as lines.
    qsizetype bufferedBytes() const { return m_buffer.size() - m_start; }
    void clear();

private:
    qsizetype m_maxLineBytes;
    QByteArray m_buffer;
    qsizetype m_start = 0;    // where the next line begins
    qsizetype m_scanned = 0;  // bytes from m_start on known to hold no '\n'
    bool m_tooLong = false;
};

} // namespace hookme::monitor

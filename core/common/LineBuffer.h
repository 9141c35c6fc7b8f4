#pragma once

#include <QByteArray>
#include <QList>

namespace accel {

/// Bytes of a line protocol arriving in pieces (a pipe, a socket): append() what arrived, then
/// takeLines() returns every complete line (without its '\n') in order. A partial line longer than
/// `maxLineBytes` is dropped and reported by overflowed(), so a peer that never sends '\n' cannot
/// grow the buffer without bound.
class LineBuffer
{
public:
    explicit LineBuffer(qsizetype maxLineBytes)
        : m_max(maxLineBytes)
    {}

    void append(const QByteArray &bytes) { m_buffer.append(bytes); }
    void append(const char *data, qsizetype size) { m_buffer.append(data, size); }

    QList<QByteArray> takeLines()
    {
        QList<QByteArray> lines;
        qsizetype start = 0;
        qsizetype nl;
        while ((nl = m_buffer.indexOf('\n', start)) >= 0) {
            lines.append(m_buffer.mid(start, nl - start));
            start = nl + 1;
        }
        m_buffer.remove(0, start);
        m_overflowed = m_buffer.size() > m_max;
        if (m_overflowed) {
            m_buffer.clear();
        }
        return lines;
    }
    /// The last takeLines() dropped a partial line over the limit.
    bool overflowed() const { return m_overflowed; }
    void clear() { m_buffer.clear(); }

private:
    QByteArray m_buffer;
    qsizetype m_max;
    bool m_overflowed = false;
};

} // namespace accel

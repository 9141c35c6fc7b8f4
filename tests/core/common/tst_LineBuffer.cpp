// LineBuffer: lines split across pieces come out whole and in order; a partial line over the
// limit is dropped and reported, and the buffer goes on working.
#include "common/LineBuffer.h"

#include <QTest>

using accel::LineBuffer;

class tst_LineBuffer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void linesAcrossPieces()
    {
        LineBuffer buffer(64);
        buffer.append(QByteArray("open a ht"));
        QVERIFY(buffer.takeLines().isEmpty());
        buffer.append(QByteArray("tp://x\nclose a\n\nopened"));
        QCOMPARE(buffer.takeLines(), (QList<QByteArray>{"open a http://x", "close a", ""}));
        QVERIFY(!buffer.overflowed());
        buffer.append(" b 7\n", 5);
        QCOMPARE(buffer.takeLines(), (QList<QByteArray>{"opened b 7"}));
    }

    void overlongPartialLineIsDropped()
    {
        LineBuffer buffer(8);
        buffer.append(QByteArray("ok\n0123456789"));
        QCOMPARE(buffer.takeLines(), (QList<QByteArray>{"ok"}));
        QVERIFY(buffer.overflowed());
        buffer.append(QByteArray("next\n"));
        QCOMPARE(buffer.takeLines(), (QList<QByteArray>{"next"})); // the dropped bytes do not prefix it
        QVERIFY(!buffer.overflowed());
    }
};

QTEST_GUILESS_MAIN(tst_LineBuffer)
#include "tst_LineBuffer.moc"

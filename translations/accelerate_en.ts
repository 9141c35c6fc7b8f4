<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>accel::ui::AboutDialog</name>
    <message>
        <source>About Accelerate Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Accelerate Console %1&lt;/h3&gt;&lt;p&gt;Operator console for AI models on browser compute (WebGPU, WebNN, Wasm) and for distributed test fleets.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::CircuitTimelineWidget</name>
    <message>
        <source>%1: %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (current)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No hosts yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>-%1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::ConsoleRuntime</name>
    <message>
        <source>Metrics store unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runtime server did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator token unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator store unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinator did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;In-process coordinator&lt;/b&gt; at %1 (SQLite store, loopback only).&lt;br&gt;Local worker &lt;b&gt;%2&lt;/b&gt; connected; command tasks %3.&lt;br&gt;Submit suites with: &lt;code&gt;accelctl --coordinator %1 --token-file %4 submit suite.json --wait&lt;/code&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not allowed (start with --allow-commands)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::DashboardWidget</name>
    <message>
        <source>Hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breaker timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Circuit state per host (hover for the reason of each transition)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::EmbeddedHost</name>
    <message>
        <source>Restart host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard this host&apos;s page and renderer and load it again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HealthChartView</name>
    <message>
        <source>Host health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>health score</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::HistoryView</name>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regressions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No metrics store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No data for %1 with these tags.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n point(s), </source>
        <translation>
            <numerusform>%n point, </numerusform>
            <numerusform>%n points, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change point(s)</source>
        <translation>
            <numerusform>%n change point</numerusform>
            <numerusform>%n change points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n regression(s)), </source>
        <translation>
            <numerusform> (%n regression), </numerusform>
            <numerusform> (%n regressions), </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n anomaly(ies); </source>
        <translation>
            <numerusform>%n anomaly(ies); </numerusform>
            <numerusform>%n anomaly(ies); </numerusform>
        </translation>
    </message>
    <message>
        <source>trend significant (p = %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no significant trend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not enough history for a trend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>time (epoch ms, UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>Exported %n row to %1</numerusform>
            <numerusform>Exported %n rows to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accel::ui::HostsPanel</name>
    <message>
        <source>Add embedded host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start one more QtWebEngine page hosting the runtime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Launch browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chromium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Firefox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the selected hosts and start them again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Isolate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Force the breaker open: no work goes to the selected hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>isolate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset breaker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the breaker again (ends an isolation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take no new work; close when the current work is done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>drain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop and remove the selected hosts now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show host views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting %1 host %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start a %1 host: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a %1 host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No %1 support in this build</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>accel::ui::MainWindow</name>
    <message>
        <source>Accelerate Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shards</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser shard hosts (embedded and launched browsers) with their capabilities, circuit breakers and health scores appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live health scores and circuit-breaker timelines for every host appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model sharding plans and the shard configurator appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Performance history, trends, change points and forecasts appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinators, workers and etcd members appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distributed test runs, their progress and logs appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language is used the next time the console starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Accelerate Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) connected</source>
        <translation>
            <numerusform>%n host connected</numerusform>
            <numerusform>%n hosts connected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) in pool</source>
        <translation>
            <numerusform>%n host in pool</numerusform>
            <numerusform>%n hosts in pool</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accel::ui::PoolColors</name>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Half-open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics only</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

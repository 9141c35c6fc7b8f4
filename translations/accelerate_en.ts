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
</TS>

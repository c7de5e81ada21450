{#- A QGIS 3.22 style (QML), filled in by render/qml/blocks.rs: the renderer (categorized,
    graduated or rule-based) with its numbered symbols, the simple labeling when labels are
    on, and the blending. With `whole` the complete document; without, only the children
    of <qgis> (what a project embeds in a <maplayer>). Every value given from Rust is
    XML-escaped. -#}
{% if whole %}
<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="{{ '1' if labels else '0' }}">
{% endif %}
{% set r = renderer %}
<renderer-v2 type="{{ r.type }}"{% if r.attr %} attr="{{ r.attr }}"{% endif %}{% if r.ranges %} graduatedMethod="GraduatedColor"{% endif %} symbollevels="0" enableorderby="0" forceraster="0">
{% if r.categories %}
  <categories>
{% for c in r.categories %}
    <category value="{{ c.value }}" label="{{ c.label }}" symbol="{{ loop.index0 }}" render="true"/>
{% endfor %}
  </categories>
{% endif %}
{% if r.ranges %}
  <ranges>
{% for c in r.ranges %}
    <range lower="{{ c.lower }}" upper="{{ c.upper }}" label="{{ c.label }}" symbol="{{ loop.index0 }}" render="true"/>
{% endfor %}
  </ranges>
{% endif %}
{% if r.rules %}
  <rules key="{root}">
{% for rule in r.rules recursive %}
    <rule key="{{ '{' ~ rule.key ~ '}' }}" label="{{ rule.label }}" filter="{{ rule.filter }}"{% if rule.symbol %} symbol="{{ rule.symbol }}"{% endif %}>
{{ loop(rule.children) }}
    </rule>
{% endfor %}
  </rules>
{% endif %}
  <symbols>
{#- symbols hold symbol layers, a symbol layer may hold a sub-symbol (a centroid fill's marker) #}
{% for n in r.symbols recursive %}
{% if n.symbol %}
    <symbol type="{{ n.symbol }}" name="{{ n.name }}" alpha="1" clip_to_extent="1" force_rhr="0">
{{ loop(n.children) }}
    </symbol>
{% else %}
      <layer class="{{ n.class }}" enabled="1" locked="0" pass="0">
        <Option type="Map">
{% for p in n.props %}
          <Option name="{{ p[0] }}" type="QString" value="{{ p[1] }}"/>
{% endfor %}
        </Option>
{{ loop(n.children) }}
      </layer>
{% endif %}
{% endfor %}
  </symbols>
{% if r.ranges %}
  <mode name="manual"/>
{% endif %}
</renderer-v2>
{% if labels %}
{% set l = labels %}
<labeling type="simple">
  <settings calloutType="simple">
    <text-style fieldName="{{ l.field }}" isExpression="{{ l.is_expression }}" fontFamily="DejaVu Sans" namedStyle="Bold" fontWeight="75" fontItalic="0" fontSize="{{ l.size }}" fontSizeUnit="Point" textColor="{{ l.color }}" textOpacity="1" capitalization="0" multilineHeight="1" blendMode="0" allowHtml="0">
      <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/>
    </text-style>
    <text-format wrapChar="" multilineAlign="3" autoWrapLength="0" formatNumbers="0" decimals="0" plussign="0"/>
    {#- placement 0: around the centroid (beside small shapes), 1: over it #}
    <placement placement="{{ '0' if l.beside else '1' }}" centroidInside="1" centroidWhole="0" fitInPolygonOnly="0" priority="{{ l.priority }}" offsetType="0" dist="{{ '1' if l.beside else '0' }}" distUnits="MM" quadOffset="4" xOffset="0" yOffset="0" offsetUnits="MM"/>
    <rendering drawLabels="1" displayAll="0" obstacle="1" upsidedownLabels="0" scaleVisibility="0" fontLimitPixelSize="0" labelPerPart="0" mergeLines="0" limitNumLabels="0" zIndex="0"/>
{% if l.priority_expression %}
    {#- a data-defined priority (property type 3: an expression) #}
    <dd_properties>
      <Option type="Map">
        <Option name="name" type="QString" value=""/>
        <Option name="properties" type="Map">
          <Option name="Priority" type="Map">
            <Option name="active" type="bool" value="true"/>
            <Option name="expression" type="QString" value="{{ l.priority_expression }}"/>
            <Option name="type" type="int" value="3"/>
          </Option>
        </Option>
        <Option name="type" type="QString" value="collection"/>
      </Option>
    </dd_properties>
{% endif %}
  </settings>
</labeling>
{% endif %}
<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode><layerOpacity>1</layerOpacity>
{% if whole %}
</qgis>
{% endif %}

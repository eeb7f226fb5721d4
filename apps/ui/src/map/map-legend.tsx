import type { ComponentChildren } from 'preact';
import { NODE_KIND_LABELS } from './map-node.js';

function Swatch(props: { class: string; children: ComponentChildren }) {
  return (
    <svg class={`map-swatch ${props.class}`} width={30} height={18} viewBox="0 0 30 18" aria-hidden="true">
      {props.children}
    </svg>
  );
}

/** The key to the map's shapes and colours, in words. */
export function MapLegend(props: { highlighting: boolean }) {
  return (
    <ul class="map-legend" aria-label="Legend">
      <li>
        <Swatch class="kind-service">
          <rect class="map-node-shape" x={1} y={1} width={28} height={16} rx={4} />
        </Swatch>
        {NODE_KIND_LABELS.service}
      </li>
      <li>
        <Swatch class="kind-database">
          <path class="map-node-shape" d="M 2 4 V 14 A 13 3 0 0 0 28 14 V 4 A 13 3 0 0 0 2 4 Z" />
          <ellipse class="map-node-lid" cx={15} cy={4} rx={13} ry={3} />
        </Swatch>
        {NODE_KIND_LABELS.database}
      </li>
      <li>
        <Swatch class="kind-uninstrumented">
          <rect class="map-node-shape" x={1} y={1} width={28} height={16} rx={1} />
        </Swatch>
        {NODE_KIND_LABELS.uninstrumented}
      </li>
      <li>
        <Swatch class="map-edge plain">
          <path class="map-edge-line" d="M 1 9 H 29" />
        </Swatch>
        calls
      </li>
      <li>
        <Swatch class="map-edge errors">
          <path class="map-edge-line" d="M 1 9 H 29" />
        </Swatch>
        calls, some failed
      </li>
      {props.highlighting && (
        <li>
          <Swatch class="map-edge lit">
            <path class="map-edge-line" d="M 1 9 H 29" />
          </Swatch>
          this trace’s path; <span class="map-legend-origin">ORIGIN</span> where it failed first
        </li>
      )}
    </ul>
  );
}

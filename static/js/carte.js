/* The interactive maps of cil/cartes.py: each .carte-interactive[data-carte] element is drawn with Leaflet
   from the JSON payload its data-carte attribute names (embedded by json_script). Every colour, text and
   legend class is computed by the server; this file only draws. No inline script, no foreign request:
   the background is the communes' outlines, tiles only when the deployment configured a tile URL. */
(function () {
  "use strict";

  function texte(contenu) {
    var span = document.createElement("span");
    span.textContent = contenu; // never HTML: names come from the database
    return span;
  }

  function dessiner(conteneur) {
    if (conteneur.dataset.dessinee || typeof L === "undefined") {
      return;
    }
    var source = document.getElementById(conteneur.dataset.carte);
    if (!source) {
      return;
    }
    var donnees = JSON.parse(source.textContent);
    conteneur.dataset.dessinee = "1";
    var carte = L.map(conteneur, {
      zoomControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25,
      keyboard: true
    });
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(carte);
    carte.attributionControl.setPrefix("Leaflet");
    carte.attributionControl.addAttribution(donnees.attribution);
    if (donnees.tuiles && donnees.tuiles.url) {
      L.tileLayer(donnees.tuiles.url, { attribution: donnees.tuiles.attribution || "" }).addTo(carte);
    }
    var fond = L.geoJSON(donnees.fond, {
      style: function (feature) {
        return {
          color: "#5a6478",
          weight: 1,
          fillColor: feature.properties.couleur,
          fillOpacity: donnees.tuiles ? 0.7 : 1
        };
      },
      onEachFeature: function (feature, couche) {
        var p = feature.properties;
        var libelle = p.texte ? p.nom + " : " + p.texte : p.nom;
        couche.bindTooltip(texte(libelle), { sticky: true });
        couche.on("add", function () {
          var element = couche.getElement();
          if (element) {
            element.setAttribute("role", "img");
            element.setAttribute("aria-label", libelle);
          }
        });
      }
    }).addTo(carte);
    // the view first: Leaflet places a marker only on a map that has one
    var limites = fond.getBounds();
    if (limites.isValid()) {
      carte.fitBounds(limites, { padding: [8, 8] });
    } else {
      carte.setView([46.6, 2.4], 5);
    }
    donnees.marqueurs.forEach(function (m) {
      var point = L.circleMarker([m.lat, m.lon], {
        radius: 7,
        color: "#ffffff",
        weight: 2,
        fillColor: m.couleur,
        fillOpacity: 1
      }).addTo(carte);
      point.bindTooltip(texte(m.libelle));
      var element = point.getElement();
      if (element) {
        element.setAttribute("role", "img");
        element.setAttribute("aria-label", m.libelle);
      }
    });
  }

  function tout_dessiner() {
    document.querySelectorAll(".carte-interactive[data-carte]").forEach(dessiner);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tout_dessiner);
  } else {
    tout_dessiner();
  }
})();
